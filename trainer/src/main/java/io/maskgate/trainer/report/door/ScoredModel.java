package io.maskgate.trainer.report.door;

import io.maskgate.trainer.data.Batch;
import io.maskgate.trainer.data.BatchProducer;
import io.maskgate.trainer.data.Label;
import io.maskgate.trainer.export.FloatModel;
import io.maskgate.trainer.quant.Int8Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every image's score from one trained model on every {@link EvalSet}: int8 through tinyml's preprocessor and
 * TFLM arithmetic (the door unit's path) and float through the SavedModel, so figures at any threshold can be
 * derived without running the model again.
 */
public final class ScoredModel {
    private final Map<String, float[]> int8 = new LinkedHashMap<>();
    private final Map<String, float[]> flt = new LinkedHashMap<>();
    private final Map<String, int[]> truth = new LinkedHashMap<>();
    private final Map<String, EvalSet.Role> roles = new LinkedHashMap<>();

    /** From given int8 probabilities (tests, recorded scores). */
    static ScoredModel ofInt8(String set, EvalSet.Role role, int[] truth, float[] int8) {
        ScoredModel m = new ScoredModel();
        m.truth.put(set, truth);
        m.roles.put(set, role);
        m.int8.put(set, int8);
        return m;
    }

    ScoredModel with(String set, EvalSet.Role role, int[] truth, float[] int8) {
        this.truth.put(set, truth);
        this.roles.put(set, role);
        this.int8.put(set, int8);
        return this;
    }

    public static ScoredModel score(Path dir, List<EvalSet> sets) {
        ScoredModel m = new ScoredModel();
        Path tflite = dir.resolve("model.tflite");
        Int8Model.load(tflite); // fails early with a clear message
        // one interpreter per worker thread; the scores do not depend on the split
        ThreadLocal<Int8Model> q = ThreadLocal.withInitial(() -> Int8Model.load(tflite));
        try (FloatModel f = Files.isDirectory(dir.resolve("saved_model")) ? FloatModel.load(dir.resolve("saved_model"))
                : null) {
            for (EvalSet s : sets) {
                int n = s.images().size();
                int[] t = new int[n];
                for (int i = 0; i < n; i++) {
                    t[i] = s.images().get(i).label() == Label.MASK ? 1 : 0;
                }
                m.truth.put(s.name(), t);
                m.roles.put(s.name(), s.role());
                float[] p8 = new float[n];
                java.util.stream.IntStream.range(0, n).parallel()
                        .forEach(i -> p8[i] = q.get().predict(s.images().get(i)));
                m.int8.put(s.name(), p8);
                if (f != null) {
                    float[] p = new float[n];
                    int at = 0;
                    for (Batch b : BatchProducer.plain(s.images(), 256)) {
                        System.arraycopy(f.predict(b.pixels(), b.size()), 0, p, at, b.size());
                        at += b.size();
                    }
                    m.flt.put(s.name(), p);
                }
            }
        }
        return m;
    }

    /** The door unit's per-mille score, rounded as the firmware and device agent round it. */
    public static int perMille(double p) {
        if (Double.isNaN(p)) {
            return 0;
        }
        long v = (long) Math.floor(p * 1000 + 0.5);
        return (int) Math.max(0, Math.min(1000, v));
    }

    public boolean hasFloat() {
        return !flt.isEmpty();
    }

    public int[] scores(String set, boolean int8Path) {
        float[] p = (int8Path ? int8 : flt).get(set);
        int[] s = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            s[i] = perMille(p[i]);
        }
        return s;
    }

    public int[] truth(String set) {
        return truth.get(set);
    }

    private static boolean[] decisions(float[] p) {
        boolean[] d = new boolean[p.length];
        for (int i = 0; i < p.length; i++) {
            d[i] = p[i] >= 0.5f;
        }
        return d;
    }

    /** Figures on every set at the door threshold, for the int8 path (or the float path). */
    public List<SetFigures> figures(int threshold, boolean int8Path) {
        List<SetFigures> out = new ArrayList<>();
        for (String set : truth.keySet()) {
            float[] mine = (int8Path ? int8 : flt).get(set);
            float[] other = (int8Path ? flt : int8).get(set);
            if (mine == null) {
                continue;
            }
            out.add(SetFigures.of(set, roles.get(set).name().toLowerCase(java.util.Locale.ROOT), truth.get(set),
                    scores(set, int8Path), decisions(mine), other == null ? null : decisions(other), threshold));
        }
        return out;
    }

    /** Mean int8 balanced accuracy (p >= 0.5) over the VAL sets: the model-selection score. */
    public double selectionScore() {
        double sum = 0;
        int n = 0;
        for (SetFigures f : figures(500, true)) {
            if (f.role().equals("val")) {
                sum += f.balancedAccuracy();
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** False-unlock rate of the int8 path on one set at a threshold. */
    public double falseUnlockRate(String set, int threshold) {
        int[] t = truth.get(set);
        int[] s = scores(set, true);
        int neg = 0;
        int unlocked = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == 0) {
                neg++;
                unlocked += s[i] >= threshold ? 1 : 0;
            }
        }
        return neg == 0 ? 0 : (double) unlocked / neg;
    }

    public double falseRefusalRate(String set, int threshold) {
        int[] t = truth.get(set);
        int[] s = scores(set, true);
        int pos = 0;
        int refused = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == 1) {
                pos++;
                refused += s[i] < threshold ? 1 : 0;
            }
        }
        return pos == 0 ? 0 : (double) refused / pos;
    }

    public List<String> sets(EvalSet.Role role) {
        return roles.entrySet().stream().filter(e -> e.getValue() == role).map(Map.Entry::getKey).toList();
    }
}

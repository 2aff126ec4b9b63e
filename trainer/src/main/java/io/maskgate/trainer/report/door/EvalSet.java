package io.maskgate.trainer.report.door;

import io.maskgate.trainer.data.ImageSet;
import io.maskgate.trainer.data.Label;
import io.maskgate.trainer.data.SourceImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One labelled set the door figures are computed on. {@link Role#VAL} sets choose models and the threshold;
 * {@link Role#TEST} sets are reported only; {@link Role#INCORRECT} sets hold masks worn below the nose, which the
 * door's policy must refuse (every image counts as no_mask for the unlock rate, and none enters accuracy).
 */
public record EvalSet(String name, Role role, List<SourceImage> images) {

    public enum Role { VAL, TEST, INCORRECT }

    /** The visible sets, in report order; sets whose folders are missing are skipped. */
    public static List<EvalSet> standard(Path data) {
        List<EvalSet> out = new ArrayList<>();
        add(out, data, "facemask-12k/val", Role.VAL);
        add(out, data, "ilc-2021/val", Role.VAL);
        add(out, data, "facemask-12k/test", Role.TEST);
        add(out, data, "observations", Role.TEST);
        for (String split : List.of("val", "train")) {
            Path dir = data.resolve("ilc-2021").resolve(split).resolve(ImageSet.INCORRECT_FOLDER);
            if (Files.isDirectory(dir)) {
                List<SourceImage> imgs = new ArrayList<>();
                try (var s = Files.list(dir)) {
                    for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                        imgs.add(ImageSet.decode(p, Label.NO_MASK));
                    }
                } catch (java.io.IOException e) {
                    throw new io.maskgate.trainer.data.DataException("cannot list " + dir, e);
                }
                out.add(new EvalSet("ilc-2021/" + split + "/incorrect", Role.INCORRECT, imgs));
            }
        }
        return out;
    }

    private static void add(List<EvalSet> out, Path data, String name, Role role) {
        Path dir = data.resolve(name);
        if (Files.isDirectory(dir)) {
            out.add(new EvalSet(name, role, ImageSet.load(dir).images()));
        }
    }

    public int count(Label label) {
        return (int) images.stream().filter(i -> i.label() == label).count();
    }
}

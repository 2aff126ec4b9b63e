package io.maskgate.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The training list of one run, assembled from the primary train folder and extra folders (ilc-2021/train, a
 * disputes export, ...). Every step is recorded in {@link Recipe} and depends only on the seed:
 * <ul>
 *   <li>extra folders are repeated {@code extraWeight} times per epoch (each copy is augmented differently), so a
 *       small set of real faces is not drowned by the primary set;</li>
 *   <li>{@code incorrect/} folders (mask below the nose) are trained as no_mask when asked (the door's policy);</li>
 *   <li>counterfactual pastes ({@link MaskPaster}) are made from the primary set's no_mask faces only, so each
 *       pasted face and its original are in the same (train) split;</li>
 *   <li>class balancing repeats the minority class's images until both classes have the same count.</li>
 * </ul>
 */
public final class TrainingData {

    /** What went into the training list, for {@code training.json} and the model card. */
    public record Recipe(String primary, List<String> extraTrain, int extraWeight, boolean incorrectAsNoMask,
                         double pasteMasks, double pasteChin, boolean balanced, int loadedMask, int loadedNoMask,
                         int pastedMask, int pastedChin, int epochMask, int epochNoMask) {
    }

    private final ImageSet set;
    private final Recipe recipe;

    private TrainingData(ImageSet set, Recipe recipe) {
        this.set = set;
        this.recipe = recipe;
    }

    public static TrainingData build(Path primary, List<Path> extras, int extraWeight, boolean incorrectAsNoMask,
                                     double pasteMasks, double pasteChin, boolean balance, int limit, long seed) {
        ImageSet base = ImageSet.load(primary, limit, seed, incorrectAsNoMask);
        List<SourceImage> loaded = new ArrayList<>(base.images());
        List<SourceImage> list = new ArrayList<>(base.images());
        int pastedMask = 0;
        int pastedChin = 0;
        if (pasteMasks > 0 || pasteChin > 0) {
            SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
            for (SourceImage img : base.images()) {
                if (img.label() != Label.NO_MASK) {
                    continue;
                }
                // draw both choices for every face so one option's value does not shift the other's pastes
                SplittableRandom faceRnd = rnd.split();
                double a = faceRnd.nextDouble();
                double b = faceRnd.nextDouble();
                SplittableRandom maskRnd = faceRnd.split();
                SplittableRandom chinRnd = faceRnd.split();
                if (a < pasteMasks) {
                    list.add(MaskPaster.paste(img, maskRnd, MaskPaster.Placement.FACE));
                    pastedMask++;
                }
                if (b < pasteChin) {
                    list.add(MaskPaster.paste(img, chinRnd, MaskPaster.Placement.CHIN));
                    pastedChin++;
                }
            }
        }
        List<String> extraNames = new ArrayList<>();
        for (Path extra : extras) {
            ImageSet e = ImageSet.load(extra, limit, seed, incorrectAsNoMask);
            loaded.addAll(e.images());
            extraNames.add(DataPaths.setName(extra)); // "ilc-2021/train": no machine path in the record
            for (int r = 0; r < extraWeight; r++) {
                list.addAll(e.images());
            }
        }
        if (balance) {
            list = balanced(list);
        }
        int loadedMask = (int) loaded.stream().filter(i -> i.label() == Label.MASK).count();
        int epochMask = (int) list.stream().filter(i -> i.label() == Label.MASK).count();
        Recipe recipe = new Recipe(DataPaths.setName(primary), extraNames, extraWeight, incorrectAsNoMask, pasteMasks,
                pasteChin, balance, loadedMask, loaded.size() - loadedMask, pastedMask, pastedChin, epochMask,
                list.size() - epochMask);
        return new TrainingData(ImageSet.of(primary, list), recipe);
    }

    /** Repeats minority-class images, spread evenly over its list, until both classes are equally many. */
    static List<SourceImage> balanced(List<SourceImage> list) {
        List<SourceImage> mask = list.stream().filter(i -> i.label() == Label.MASK).toList();
        List<SourceImage> noMask = list.stream().filter(i -> i.label() == Label.NO_MASK).toList();
        List<SourceImage> minority = mask.size() < noMask.size() ? mask : noMask;
        int missing = Math.abs(mask.size() - noMask.size());
        List<SourceImage> out = new ArrayList<>(list);
        for (int i = 0; i < missing && !minority.isEmpty(); i++) {
            out.add(minority.get((int) ((long) i * minority.size() / missing % minority.size())));
        }
        return out;
    }

    /** The epoch's list (with repeats); the batch producer shuffles and augments it. */
    public ImageSet set() {
        return set;
    }

    public Recipe recipe() {
        return recipe;
    }
}

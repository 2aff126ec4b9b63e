package io.maskgate.trainer.data;

/**
 * The two classes. The network's single output is the probability of {@link #MASK}, so MASK is the positive class (1)
 * and the folder names match the dataset layout ({@code mask/}, {@code no_mask/}).
 */
public enum Label {
    NO_MASK("no_mask", 0),
    MASK("mask", 1);

    private final String folder;
    private final int value;

    Label(String folder, int value) {
        this.folder = folder;
        this.value = value;
    }

    public String folder() {
        return folder;
    }

    public int value() {
        return value;
    }

    public static Label ofValue(int value) {
        return value == 1 ? MASK : NO_MASK;
    }
}

package io.maskgate.tinyml.crosscheck;

import java.util.Map;
import java.util.TreeMap;

/** Histogram of (ours - reference) over output values, with the share within +-1 LSB and the largest. */
final class Agreement {
    final Map<Integer, Integer> histogram = new TreeMap<>();
    long values;
    long withinOne;
    int largest;
    String largestWhere = "";

    void add(int[] ours, int[] ref, String where) {
        if (ours.length != ref.length) {
            throw new AssertionError(where + ": ours has " + ours.length + " values, TFLite " + ref.length);
        }
        for (int i = 0; i < ours.length; i++) {
            int d = ours[i] - ref[i];
            histogram.merge(d, 1, Integer::sum);
            values++;
            if (Math.abs(d) <= 1) {
                withinOne++;
            }
            if (Math.abs(d) > largest) {
                largest = Math.abs(d);
                largestWhere = where;
            }
        }
    }

    double withinOneShare() {
        return values == 0 ? 1 : (double) withinOne / values;
    }

    @Override
    public String toString() {
        return String.format("%d values, %.2f%% within +-1 LSB, largest |diff| %d (%s), histogram ours-TFLite %s",
                values, 100 * withinOneShare(), largest, largestWhere, histogram);
    }
}

package io.maskgate.service.console.charts;

import io.maskgate.service.console.live.LiveEvent;
import io.maskgate.service.metrics.MaskGateMetrics;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The last hour of the Charts page, kept in memory: decisions per minute per door and the policy's grants and
 * refusals per minute (folded from the same event-log rows as the live page), and the p99 decision->command
 * latency sampled from the service's own Micrometer timer (bucket counts between two samples).
 */
@Component
public class ChartSeries {

    /** Minutes kept. */
    static final int MINUTES = 60;
    /** Doors drawn one by one; the rest are summed as "other doors". */
    static final int TOP_DOORS = 8;

    /** What the page draws: minute starts (epoch s), series by name, and latency samples. */
    public record Data(List<Long> minutes, Map<String, List<Integer>> decisionsPerDoor, List<Double> refusalRate,
                       List<Long> latencyAt, List<Double> p99Millis) {
    }

    private final MaskGateMetrics metrics;
    private final TreeMap<Long, Map<String, Integer>> decisions = new TreeMap<>();
    private final TreeMap<Long, int[]> verdicts = new TreeMap<>();
    private final Deque<long[]> latency = new ArrayDeque<>(); // {epochSecond, p99 micros or -1}
    private CountAtBucket[] lastBuckets;
    private long lastCount;

    public ChartSeries(MaskGateMetrics metrics) {
        this.metrics = metrics;
    }

    /** Folds one event-log row in (called by the live feed's thread). */
    public synchronized void onEvent(LiveEvent e) {
        long minute = e.at().getEpochSecond() / 60;
        if ("DECISION".equals(e.kind()) && "ACCEPTED".equals(e.outcome()) && e.doorId() != null) {
            decisions.computeIfAbsent(minute, m -> new HashMap<>()).merge(e.doorId(), 1, Integer::sum);
        } else if ("VERDICT".equals(e.kind())) {
            int[] v = verdicts.computeIfAbsent(minute, m -> new int[2]);
            if ("GRANTED".equals(e.outcome())) {
                v[0]++;
            } else if ("DENIED".equals(e.outcome())) {
                v[1]++;
            }
        }
        while (decisions.size() > MINUTES + 1) {
            decisions.pollFirstEntry();
        }
        while (verdicts.size() > MINUTES + 1) {
            verdicts.pollFirstEntry();
        }
    }

    /** Samples the decision->command latency timer (called every few seconds by the live feed's thread). */
    public synchronized void sampleLatency(long nowMillis) {
        HistogramSnapshot s = metrics.decisionToCommandTimer().takeSnapshot();
        CountAtBucket[] buckets = s.histogramCounts();
        long count = s.count();
        long p99 = -1;
        if (buckets.length > 0) {
            boolean delta = lastBuckets != null && lastBuckets.length == buckets.length && count >= lastCount;
            double[] counts = new double[buckets.length];
            for (int i = 0; i < buckets.length; i++) {
                counts[i] = buckets[i].count() - (delta ? lastBuckets[i].count() : 0);
            }
            double total = delta ? count - lastCount : count;
            if (total > 0) {
                for (int i = 0; i < buckets.length; i++) {
                    if (counts[i] >= 0.99 * total) {
                        p99 = (long) buckets[i].bucket(TimeUnit.MICROSECONDS);
                        break;
                    }
                }
            }
            lastBuckets = buckets;
            lastCount = count;
        }
        latency.addLast(new long[] {nowMillis / 1000, p99});
        while (latency.size() > MINUTES * 6) {
            latency.removeFirst();
        }
    }

    public Data data(long nowMillis) {
        return data(nowMillis, List.of());
    }

    /**
     * The page's data; with {@code doors} given, only those doors are drawn one by one (an operator watching some
     * entrances), everything else is summed as "other doors" as usual.
     */
    public synchronized Data data(long nowMillis, List<String> doors) {
        long now = nowMillis / 60_000;
        List<Long> minutes = new ArrayList<>();
        for (long m = now - MINUTES + 1; m <= now; m++) {
            minutes.add(m * 60);
        }
        Map<String, Integer> totals = new HashMap<>();
        decisions.values().forEach(byDoor -> byDoor.forEach((d, n) -> totals.merge(d, n, Integer::sum)));
        List<String> top = !doors.isEmpty() ? doors.stream().distinct().limit(TOP_DOORS).toList()
                : totals.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_DOORS).map(Map.Entry::getKey).toList();
        Map<String, List<Integer>> series = new LinkedHashMap<>();
        for (String door : top) {
            series.put(door, new ArrayList<>());
        }
        List<Integer> other = new ArrayList<>();
        List<Double> refusal = new ArrayList<>();
        for (long m = now - MINUTES + 1; m <= now; m++) {
            Map<String, Integer> byDoor = decisions.getOrDefault(m, Map.of());
            int rest = 0;
            for (Map.Entry<String, Integer> en : byDoor.entrySet()) {
                if (!series.containsKey(en.getKey())) {
                    rest += en.getValue();
                }
            }
            for (String door : top) {
                series.get(door).add(byDoor.getOrDefault(door, 0));
            }
            other.add(rest);
            int[] v = verdicts.get(m);
            refusal.add(v == null || v[0] + v[1] == 0 ? null : 100.0 * v[1] / (v[0] + v[1]));
        }
        if (totals.keySet().stream().anyMatch(d -> !series.containsKey(d))) {
            series.put("other doors", other);
        }
        List<Long> at = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (long[] l : latency) {
            at.add(l[0]);
            p99.add(l[1] < 0 ? null : l[1] / 1000.0);
        }
        return new Data(minutes, series, refusal, at, p99);
    }
}

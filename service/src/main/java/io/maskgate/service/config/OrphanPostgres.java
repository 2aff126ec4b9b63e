package io.maskgate.service.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of a service that was killed (kill -9, OOM, power loss of the JVM only) keeps running
 * as an orphan: it holds the data directory and its port, so the next zero-setup start would fail. Found through
 * the data directory's {@code postmaster.pid}; stopped with a fast shutdown (its clients are gone), after which
 * the new start reuses the same data. Only a live process whose command is a postgres binary is touched.
 */
final class OrphanPostgres {

    private static final Logger log = LoggerFactory.getLogger(OrphanPostgres.class);

    private OrphanPostgres() {
    }

    /** Stops the PostgreSQL left running on {@code dataDir}, if any; true when one was stopped. */
    static boolean stopIfRunning(Path dataDir, Duration timeout) throws IOException {
        Optional<ProcessHandle> orphan = find(dataDir);
        if (orphan.isEmpty()) {
            return false;
        }
        long pid = orphan.get().pid();
        log.warn("The previous service did not stop cleanly: its embedded PostgreSQL (pid {}) is still running on "
                + "{}; stopping it (fast shutdown) and starting again on the same data", pid, dataDir);
        try {
            // SIGINT = PostgreSQL's fast shutdown: abort open transactions, checkpoint, exit
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (orphan.get().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (orphan.get().isAlive()) {
                log.warn("PostgreSQL pid {} did not stop within {}; terminating it", pid, timeout);
                orphan.get().destroyForcibly();
                orphan.get().onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned PostgreSQL " + pid, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot stop the orphaned PostgreSQL " + pid + " on " + dataDir, e);
        }
        return true;
    }

    /** The live postmaster named by {@code dataDir/postmaster.pid}, if it is a postgres process of that directory. */
    static Optional<ProcessHandle> find(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 2) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!sameDirectory(Path.of(lines.get(1).trim()), dataDir)) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    }

    private static boolean sameDirectory(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}

package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A service stopped with SIGTERM while operators have the live page open shuts down gracefully at once: the open
 * Server-Sent Events streams are completed when the context closes, before the web server's graceful shutdown waits
 * for active requests (an open stream is one that never ends by itself, so the wait ran into
 * {@code spring.lifecycle.timeout-per-shutdown-phase} and the shutdown was aborted).
 */
class ShutdownIT {

    @Test
    void sigtermWithOpenLiveStreamsStopsGracefullyWithoutWaitingForThem() throws Exception {
        Path dir = Files.createTempDirectory("maskgate-shutdown-it");
        try (ServiceProcess service = new ServiceProcess(dir, List.of())) {
            service.start(Duration.ofMinutes(3));
            HttpClient browser = FormLogin.browser();
            assertThat(FormLogin.post(browser, service.base(), ServiceProcess.ADMIN, ServiceProcess.PASSWORD))
                    .isEqualTo("/console");
            HttpResponse<Stream<String>> live = browser.send(HttpRequest.newBuilder(
                            URI.create(service.base() + "/console/live/tiles")).header("Accept", "text/event-stream")
                    .build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(live.statusCode()).isEqualTo(200);
            CompletableFuture<Long> ended = CompletableFuture.supplyAsync(() -> {
                try (Stream<String> lines = live.body()) {
                    return lines.count();
                }
            });

            Duration took = service.terminate(Duration.ofSeconds(60));

            String log = service.lastLog();
            assertThat(log).as("the web server's graceful shutdown finished on its own")
                    .contains("Graceful shutdown complete")
                    .doesNotContain("Graceful shutdown aborted with one or more requests still active");
            assertThat(ended.get(5, TimeUnit.SECONDS)).as("the open stream was ended by the service").isPositive();
            System.out.printf("ShutdownIT: SIGTERM to exit %d ms with a live stream open%n", took.toMillis());
        }
    }
}

package io.maskgate.service.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Web console settings ({@code maskgate.console.*}, defaults in application.yml).
 *
 * @param pollInterval  how often the live page's feed reads new rows from the event log
 * @param tileInterval  at most one update per tile per this interval (coalescing: the latest state wins)
 * @param streamTimeout an SSE stream ends after this and the browser reconnects, re-checking the session
 */
@ConfigurationProperties("maskgate.console")
public record ConsoleProperties(Duration pollInterval, Duration tileInterval, Duration streamTimeout) {
}

package io.maskgate.service.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.task.ThreadPoolTaskSchedulerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Scheduled refreshes (door, unit and band caches, purges) during a database outage: one warning line per failed
 * run instead of a stack trace every tick. The caches keep their last copy, so doors go on deciding; any other
 * failure is still logged with its stack trace.
 */
@Configuration(proxyBeanMethods = false)
class ScheduledTaskErrors {

    private static final Logger log = LoggerFactory.getLogger(ScheduledTaskErrors.class);

    @Bean
    ThreadPoolTaskSchedulerCustomizer databaseOutageAwareErrors() {
        return scheduler -> scheduler.setErrorHandler(ScheduledTaskErrors::handle);
    }

    static void handle(Throwable t) {
        if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException) {
            log.warn("scheduled task skipped, database unavailable: {}",
                    NestedExceptionUtils.getMostSpecificCause(t).getMessage());
        } else {
            log.error("scheduled task failed", t);
        }
    }
}

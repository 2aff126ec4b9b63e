package io.maskgate.service.console;

import io.maskgate.service.security.LoginThrottle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.stereotype.Component;

/**
 * A failed console login: counted (maskgate_console_logins_total{result="failed"}), logged without the password,
 * and answered with the login page and one message that does not say whether the user exists. Failures and
 * successes feed the shared {@link LoginThrottle}, which {@link ConsoleLoginThrottle} enforces on the form.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class LoginAttempts extends SimpleUrlAuthenticationFailureHandler {

    private static final Logger log = LoggerFactory.getLogger(LoginAttempts.class);

    private final Counter failed;
    private final Counter succeeded;
    private final LoginThrottle throttle;

    public LoginAttempts(MeterRegistry meters, LoginThrottle throttle) {
        super("/login?error");
        this.throttle = throttle;
        this.failed = Counter.builder("maskgate.console.logins").tag("result", "failed")
                .description("web console login attempts").register(meters);
        this.succeeded = Counter.builder("maskgate.console.logins").tag("result", "succeeded")
                .description("web console login attempts").register(meters);
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                        AuthenticationException exception) throws IOException, ServletException {
        failed.increment();
        String user = request.getParameter("username");
        if (user != null) {
            throttle.failed(user, request.getRemoteAddr());
        }
        log.warn("console login failed for user '{}' from {}: {}",
                user == null ? "" : user.replaceAll("[^A-Za-z0-9_.@-]", "?"), request.getRemoteAddr(),
                exception.getClass().getSimpleName());
        super.onAuthenticationFailure(request, response, exception);
    }

    @EventListener
    void onSuccess(AuthenticationSuccessEvent event) {
        if (event.getAuthentication().getDetails()
                instanceof org.springframework.security.web.authentication.WebAuthenticationDetails d
                && d.getSessionId() != null) {
            succeeded.increment();
            throttle.succeeded(event.getAuthentication().getName(), d.getRemoteAddress());
        }
    }
}

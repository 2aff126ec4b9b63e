package io.maskgate.service.console;

import io.maskgate.service.security.LoginThrottle;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The console's login form shares the API's failed-login throttle: a (user, address) pair with too many recent
 * failures is sent back to the login page with a wait time before the password is checked, so the form is no
 * side door around the Basic chains' limit. {@link LoginAttempts} records the failures and successes.
 */
final class ConsoleLoginThrottle extends OncePerRequestFilter {

    private final LoginThrottle throttle;

    ConsoleLoginThrottle(LoginThrottle throttle) {
        this.throttle = throttle;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        String user = req.getParameter("username");
        long wait = user == null ? 0 : throttle.retryAfterSeconds(user, req.getRemoteAddr());
        if (wait > 0) {
            res.setHeader("Retry-After", Long.toString(wait));
            res.sendRedirect(req.getContextPath() + "/login?throttled=" + wait);
            return;
        }
        chain.doFilter(req, res);
    }
}

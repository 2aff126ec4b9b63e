package io.maskgate.service.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP Basic against app_users (BCrypt). ADMIN: everything. OPERATOR: read doors, units and events, and send
 * manual door commands. No user exists until one is created (env, CLI, or the demo profile): there are no default
 * credentials.
 *
 * <p>Separate filter chains, so a session-based page chain (the web console, with its own CSRF tokens) can sit
 * beside them: {@link #API_ORDER} the stateless API ({@code /api/**}: Basic, the {@link ApiCsrfFilter} custom-header
 * rule, failed-login throttling), {@link #MANAGEMENT_ORDER} health, Prometheus and the OpenAPI document (health
 * status and the docs anonymous; health details and metrics only for a logged-in user), and a last chain that
 * refuses everything no other chain claims.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfig {

    static final int API_ORDER = 10;
    static final int MANAGEMENT_ORDER = 20;

    private final ObjectMapper json;

    SecurityConfig(ObjectMapper json) {
        this.json = json;
    }

    @Bean
    LoginThrottle loginThrottle(@Value("${maskgate.login-throttle.max-failures:5}") int maxFailures,
                                @Value("${maskgate.login-throttle.window:15m}") Duration window) {
        return new LoginThrottle(maxFailures, window, 10_000, Clock.systemUTC());
    }

    @Bean
    @Order(API_ORDER)
    SecurityFilterChain api(HttpSecurity http, LoginThrottle throttle) throws Exception {
        String admin = Role.ADMIN.name();
        String operator = Role.OPERATOR.name();
        basic(http.securityMatcher("/api/**"), throttle)
                .addFilterBefore(new ApiCsrfFilter(this::problem), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.GET, "/api/ota/fleet-key").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/doors/*/unlock", "/api/doors/*/lock")
                        .hasAnyRole(admin, operator)
                        .requestMatchers(HttpMethod.GET, "/api/models/*/file").hasRole(admin)
                        .requestMatchers(HttpMethod.GET, "/api/doors/**", "/api/units/**", "/api/events/**",
                                "/api/models/**", "/api/rollouts/**", "/api/fleet/**")
                        .hasAnyRole(admin, operator)
                        .requestMatchers("/api/disputes/export").hasRole(admin)
                        .requestMatchers("/api/disputes", "/api/disputes/**").hasAnyRole(admin, operator)
                        .requestMatchers(HttpMethod.GET, "/api/verification", "/api/verification/**")
                        .hasAnyRole(admin, operator)
                        .anyRequest().hasRole(admin));
        return http.build();
    }

    @Bean
    @Order(MANAGEMENT_ORDER)
    SecurityFilterChain management(HttpSecurity http, LoginThrottle throttle) throws Exception {
        basic(http.securityMatcher("/actuator/**", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html",
                "/swagger-ui/**", "/error"), throttle)
                .authorizeHttpRequests(a -> a
                        // status only for anonymous callers (details: management.endpoint.health.show-details)
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/liveness",
                                "/actuator/health/readiness").permitAll()
                        .requestMatchers(HttpMethod.GET, "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html",
                                "/swagger-ui/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers(HttpMethod.GET, "/actuator/health/**", "/actuator/prometheus")
                        .hasAnyRole(admin(), operator())
                        .anyRequest().hasRole(admin()));
        return http.build();
    }

    /** Whatever no other chain claims is refused (a page chain, when present, orders itself before this). */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    SecurityFilterChain rest(HttpSecurity http) throws Exception {
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> a.anyRequest().denyAll())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) ->
                                problem(res, HttpStatus.NOT_FOUND, "no such resource"))
                        .accessDeniedHandler((req, res, ex) -> problem(res, HttpStatus.NOT_FOUND, "no such resource")));
        return http.build();
    }

    /**
     * Stateless HTTP Basic with problem+json errors and failed-login throttling. CSRF tokens are off on these
     * chains: no session and no cookie authenticate here ({@link ApiCsrfFilter} covers Basic's cached
     * credentials on the API).
     */
    private HttpSecurity basic(HttpSecurity http, LoginThrottle throttle) throws Exception {
        AuthenticationEntryPoint unauthorized = (req, res, ex) -> {
            String user = basicUser(req);
            if (user != null) {
                throttle.failed(user, req.getRemoteAddr());
            }
            res.setHeader("WWW-Authenticate", "Basic realm=\"maskgate\"");
            problem(res, HttpStatus.UNAUTHORIZED, "authentication required");
        };
        return http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.authenticationEntryPoint(unauthorized))
                .addFilterBefore(new ThrottleCheck(throttle), BasicAuthenticationFilter.class)
                .addFilterAfter(new ThrottleReset(throttle), BasicAuthenticationFilter.class)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler((req, res, ex) ->
                                problem(res, HttpStatus.FORBIDDEN, "your role may not do this")));
    }

    private static String admin() {
        return Role.ADMIN.name();
    }

    private static String operator() {
        return Role.OPERATOR.name();
    }

    /** The user name of a Basic Authorization header, or null. */
    static String basicUser(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Refuses a throttled (user, address) before the password is checked. */
    private final class ThrottleCheck extends OncePerRequestFilter {
        private final LoginThrottle throttle;

        ThrottleCheck(LoginThrottle throttle) {
            this.throttle = throttle;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res,
                                        jakarta.servlet.FilterChain chain)
                throws jakarta.servlet.ServletException, IOException {
            String user = basicUser(req);
            long wait = user == null ? 0 : throttle.retryAfterSeconds(user, req.getRemoteAddr());
            if (wait > 0) {
                res.setHeader("Retry-After", Long.toString(wait));
                problem(res, HttpStatus.TOO_MANY_REQUESTS, "too many failed logins; try again in " + wait + " s");
                return;
            }
            chain.doFilter(req, res);
        }
    }

    /** A successful Basic login clears that (user, address)'s failures. */
    private static final class ThrottleReset extends OncePerRequestFilter {
        private final LoginThrottle throttle;

        ThrottleReset(LoginThrottle throttle) {
            this.throttle = throttle;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res,
                                        jakarta.servlet.FilterChain chain)
                throws jakarta.servlet.ServletException, IOException {
            String user = basicUser(req);
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (user != null && auth != null && auth.isAuthenticated() && user.equals(auth.getName())) {
                throttle.succeeded(user, req.getRemoteAddr());
            }
            chain.doFilter(req, res);
        }
    }

    private void problem(HttpServletResponse res, HttpStatus status, String detail) throws IOException {
        res.setStatus(status.value());
        res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(res.getOutputStream(), Map.of("type", "about:blank", "title", status.getReasonPhrase(),
                "status", status.value(), "detail", detail));
    }
}

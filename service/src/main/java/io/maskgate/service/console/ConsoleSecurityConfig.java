package io.maskgate.service.console;

import io.maskgate.service.security.LoginThrottle;
import io.maskgate.service.security.Role;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import static org.springframework.security.web.util.matcher.AntPathRequestMatcher.antMatcher;

/**
 * The web console's own filter chain, apart from the API's: form login with a session, CSRF on every state change,
 * logout, an idle timeout (server.servlet.session.timeout), the API's failed-login throttle and a 403 page. It
 * covers every path except the API, the actuator and the OpenAPI/Swagger paths, which stay with the stateless HTTP
 * Basic chain. Ordered before that chain.
 * A Content-Security-Policy without 'unsafe-inline' makes an escaped-output slip much harder to exploit.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class ConsoleSecurityConfig {

    /** Paths that belong to the API chain, never to the console's. */
    static final RequestMatcher NOT_CONSOLE = new OrRequestMatcher(antMatcher("/api/**"),
            antMatcher("/actuator/**"), antMatcher("/v3/api-docs"), antMatcher("/v3/api-docs/**"),
            antMatcher("/swagger-ui.html"), antMatcher("/swagger-ui/**"));

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    @Bean
    @Order(10)
    SecurityFilterChain console(HttpSecurity http, LoginAttempts attempts, LoginThrottle throttle) throws Exception {
        String admin = Role.ADMIN.name();
        String operator = Role.OPERATOR.name();
        http.securityMatcher(new NegatedRequestMatcher(NOT_CONSOLE))
                .authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/login", "/error", "/webjars/**", "/console/static/**", "/favicon.ico")
                        .permitAll()
                        .requestMatchers("/console/doors/**", "/console/units/**", "/console/users/**",
                                "/console/audit/**", "/console/models/**", "/console/rollouts/**").hasRole(admin)
                        .requestMatchers("/", "/console", "/console/**").hasAnyRole(admin, operator)
                        .anyRequest().denyAll())
                .formLogin(f -> f.loginPage("/login").loginProcessingUrl("/login")
                        .defaultSuccessUrl("/console", false)
                        .failureHandler(attempts).permitAll())
                .addFilterBefore(new ConsoleLoginThrottle(throttle), UsernamePasswordAuthenticationFilter.class)
                .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?logout").permitAll())
                .sessionManagement(s -> s.sessionFixation(f -> f.changeSessionId())
                        .invalidSessionUrl("/login?expired"))
                .exceptionHandling(e -> e.accessDeniedPage("/console/denied"))
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CSP)));
        return http.build();
    }
}

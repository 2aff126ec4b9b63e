package io.maskgate.service.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP Basic against app_users (BCrypt). ADMIN: everything. OPERATOR: read doors, units and events, and send
 * manual door commands. Anonymous: health, Prometheus scrape and the OpenAPI document. No user exists until one
 * is created (env, CLI, or the demo profile): there are no default credentials.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfig {

    @Bean
    SecurityFilterChain api(HttpSecurity http, ObjectMapper json) throws Exception {
        String admin = Role.ADMIN.name();
        String operator = Role.OPERATOR.name();
        AuthenticationEntryPoint unauthorized = (req, res, ex) -> {
            res.setHeader("WWW-Authenticate", "Basic realm=\"maskgate\"");
            problem(json, res, HttpStatus.UNAUTHORIZED, "authentication required");
        };
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.authenticationEntryPoint(unauthorized))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus",
                                "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**",
                                "/error").permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/doors/*/unlock", "/api/doors/*/lock")
                        .hasAnyRole(admin, operator)
                        .requestMatchers(HttpMethod.GET, "/api/doors/**", "/api/units/**", "/api/events/**")
                        .hasAnyRole(admin, operator)
                        .requestMatchers("/api/disputes/export").hasRole(admin)
                        .requestMatchers("/api/disputes", "/api/disputes/**").hasAnyRole(admin, operator)
                        .requestMatchers(HttpMethod.GET, "/api/verification", "/api/verification/**")
                        .hasAnyRole(admin, operator)
                        .requestMatchers("/api/**", "/actuator/**").hasRole(admin)
                        .anyRequest().denyAll())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(unauthorized)
                        .accessDeniedHandler((req, res, ex) ->
                                problem(json, res, HttpStatus.FORBIDDEN, "your role may not do this")));
        return http.build();
    }

    private static void problem(ObjectMapper json, HttpServletResponse res, HttpStatus status, String detail)
            throws java.io.IOException {
        res.setStatus(status.value());
        res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(res.getOutputStream(), Map.of("type", "about:blank", "title", status.getReasonPhrase(),
                "status", status.value(), "detail", detail));
    }
}

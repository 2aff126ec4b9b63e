package io.maskgate.service.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a query string over 8 KiB with problem+json (414). Tomcat's header limit is raised above this
 * (server.max-http-request-header-size) so such a request reaches this filter instead of getting Tomcat's own HTML
 * error page; only a request over that larger limit still does.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class OversizeQueryFilter extends OncePerRequestFilter {

    /** Longest accepted query string, in characters. */
    public static final int MAX_QUERY = 8 * 1024;

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        if (query != null && query.length() > MAX_QUERY) {
            response.setStatus(414);
            response.setContentType("application/problem+json");
            response.getOutputStream().write(("{\"type\":\"about:blank\",\"title\":\"URI Too Long\",\"status\":414,"
                    + "\"detail\":\"the query string is " + query.length() + " characters; at most " + MAX_QUERY
                    + " are accepted\"}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(request, response);
    }
}

package io.maskgate.service.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * CSRF defence of the HTTP Basic API (a browser resends cached Basic credentials with any cross-site request).
 * A state-changing request must carry {@value #HEADER} and, when it has a body, a JSON content type: a hostile page
 * can send a form post or a "simple" text/plain request, but a custom header or a JSON body needs a CORS preflight,
 * which this service never grants. The OWASP "custom request header" pattern (as Jersey's CsrfProtectionFilter).
 */
final class ApiCsrfFilter extends OncePerRequestFilter {

    /** The header every non-GET API call must send (any value, e.g. the client's name). */
    static final String HEADER = "X-Requested-By";

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    /** Writes a problem response. */
    interface ProblemWriter {
        void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException;
    }

    private final ProblemWriter problems;

    ApiCsrfFilter(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (SAFE.contains(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        if (!StringUtils.hasText(request.getHeader(HEADER))) {
            problems.write(response, HttpStatus.FORBIDDEN, "state-changing API requests need the " + HEADER
                    + " header (CSRF defence), e.g. -H '" + HEADER + ": cli'");
            return;
        }
        boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        if (hasBody && !isJson(request.getContentType()) && !isUpload(request)) {
            problems.write(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "request bodies must be application/json (multipart/form-data only for model uploads)");
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * A model upload (POST /api/models) is multipart: a browser may send such a form cross-site, but not with the
     * custom header checked above, so the header stays the defence.
     */
    private static boolean isUpload(HttpServletRequest request) {
        String type = request.getContentType();
        return "POST".equals(request.getMethod()) && "/api/models".equals(request.getRequestURI())
                && type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data");
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

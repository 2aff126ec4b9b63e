package io.maskgate.service.console;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * Every error outside a controller's own handling: an HTML page for a browser (never a stack trace), problem+json for
 * everything else and for API paths. Opened directly (no error pending), /error answers 404 instead of Spring's
 * {@code {"status":999}}.
 */
@Controller
class ConsoleErrorController implements ErrorController {

    @RequestMapping(value = "/error", produces = MediaType.TEXT_HTML_VALUE)
    Object page(HttpServletRequest request, HttpServletResponse response) {
        HttpStatus status = status(request);
        if (isApi(request)) {
            return problem(request);
        }
        ModelAndView page = new ModelAndView("console/error", status);
        page.addObject("status", status.value());
        page.addObject("title", status.getReasonPhrase());
        page.addObject("message", message(status));
        return page;
    }

    @RequestMapping("/error")
    ResponseEntity<ProblemDetail> problem(HttpServletRequest request) {
        HttpStatus status = status(request);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, message(status));
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (uri != null) {
            body.setInstance(java.net.URI.create(uri.toString().replaceAll("[^A-Za-z0-9/._~-]", "_")));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    /** The 403 page Spring Security forwards to (status already set). */
    @RequestMapping("/console/denied")
    String denied(HttpServletResponse response, Model model) {
        response.setStatus(HttpStatus.FORBIDDEN.value());
        model.addAttribute("status", 403);
        model.addAttribute("title", "Forbidden");
        model.addAttribute("message", "Your role may not open this page. Doors, units, users and the audit log "
                + "are for administrators.");
        return "console/error";
    }

    private static HttpStatus status(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (code instanceof Integer i) {
            HttpStatus s = HttpStatus.resolve(i);
            return s == null ? HttpStatus.INTERNAL_SERVER_ERROR : s;
        }
        return HttpStatus.NOT_FOUND; // /error opened directly: there is no error, and nothing else here
    }

    private static boolean isApi(HttpServletRequest request) {
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        return uri != null && (uri.toString().startsWith("/api/") || uri.toString().startsWith("/actuator/"));
    }

    private static String message(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> "There is nothing at this address.";
            case FORBIDDEN -> "Your role may not do this.";
            case UNAUTHORIZED -> "Authentication required.";
            case BAD_REQUEST -> "The request was not valid.";
            case METHOD_NOT_ALLOWED -> "This address does not accept that method.";
            default -> status.is5xxServerError() ? "Something went wrong on the server; it has been logged."
                    : status.getReasonPhrase();
        };
    }
}

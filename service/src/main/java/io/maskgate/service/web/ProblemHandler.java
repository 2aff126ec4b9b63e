package io.maskgate.service.web;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.maskgate.service.door.DoorPolicy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every API error as application/problem+json (RFC 9457), with a human-readable detail and no stack trace. Field
 * errors name their field: {@code detail} says it in words and {@code errors} lists {field, message} pairs.
 */
@RestControllerAdvice(annotations = RestController.class)
public class ProblemHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(io.maskgate.service.broker.BrokerProvisioningException.class)
    public ProblemDetail brokerProvisioning(io.maskgate.service.broker.BrokerProvisioningException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, e.getMessage());
    }

    @ExceptionHandler(ConflictException.class)
    ProblemDetail conflict(ConflictException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }

    @ExceptionHandler(DoorPolicy.InvalidPolicyException.class)
    ProblemDetail invalidPolicy(DoorPolicy.InvalidPolicyException e) {
        return fieldProblem(e.fields());
    }

    @ExceptionHandler(FieldException.class)
    ProblemDetail invalidField(FieldException e) {
        return fieldProblem(Map.of(e.field(), e.getMessage()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /**
     * A query or path parameter outside its constraints on a {@code @Validated} controller (e.g. a dispute list's
     * {@code limit} over 1000): 400 naming each parameter, not a server error (found by FuzzIT).
     */
    @ExceptionHandler(jakarta.validation.ConstraintViolationException.class)
    ProblemDetail invalidParameter(jakarta.validation.ConstraintViolationException e) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (jakarta.validation.ConstraintViolation<?> v : e.getConstraintViolations()) {
            String name = "parameter";
            for (jakarta.validation.Path.Node node : v.getPropertyPath()) {
                name = node.getName(); // the last node names the parameter (the first is the method)
            }
            fields.putIfAbsent(name, name + " " + v.getMessage());
        }
        return fieldProblem(fields);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        Class<?> type = e.getRequiredType();
        String expected = type != null && type.isEnum()
                ? "one of " + Arrays.toString(type.getEnumConstants())
                : type == null ? "a valid value" : "a valid " + type.getSimpleName();
        return fieldProblem(Map.of(e.getName(), e.getName() + " must be " + expected));
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ProblemDetail integrity(DataIntegrityViolationException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "the change conflicts with stored data");
    }

    @ExceptionHandler(IllegalStateException.class)
    ProblemDetail unavailable(IllegalStateException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }

    /** Bean validation of a request body: every failing field by name. */
    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        Map<String, String> fields = new LinkedHashMap<>();
        e.getBindingResult().getFieldErrors().forEach(f -> fields.putIfAbsent(f.getField(),
                f.getField() + " " + f.getDefaultMessage()));
        e.getBindingResult().getGlobalErrors().forEach(g -> fields.putIfAbsent(g.getObjectName(),
                String.valueOf(g.getDefaultMessage())));
        return ResponseEntity.badRequest().body(fieldProblem(fields));
    }

    /**
     * An unreadable body: a value object refusing its values (DoorPolicy's per-field messages), a wrong type or an
     * unknown enum constant (named by its JSON path), or plain malformed JSON.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DoorPolicy.InvalidPolicyException p) {
                return ResponseEntity.badRequest().body(fieldProblem(p.fields()));
            }
        }
        Throwable cause = e.getCause();
        if (cause instanceof ValueInstantiationException v && v.getCause() instanceof IllegalArgumentException iae) {
            return ResponseEntity.badRequest().body(fieldProblem(Map.of(path(v), iae.getMessage())));
        }
        if (cause instanceof InvalidFormatException f) {
            String field = path(f);
            String expected = f.getTargetType() != null && f.getTargetType().isEnum()
                    ? "one of " + Arrays.toString(f.getTargetType().getEnumConstants())
                    : "a " + (f.getTargetType() == null ? "valid value" : f.getTargetType().getSimpleName());
            return ResponseEntity.badRequest().body(fieldProblem(Map.of(field,
                    field + " must be " + expected + ", was " + f.getValue())));
        }
        if (cause instanceof NoNulTextModule.NulTextException n) {
            String field = path(n);
            return ResponseEntity.badRequest().body(fieldProblem(Map.of(field, field + " must not contain NUL (U+0000) characters")));
        }
        if (cause instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            String field = path(m);
            return ResponseEntity.badRequest().body(fieldProblem(Map.of(field, field + " has the wrong type")));
        }
        return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "the request body is not valid JSON for this endpoint"));
    }

    /** 400 with {@code errors: [{field, message}]} and the messages joined as the detail. */
    public static ProblemDetail fieldProblem(Map<String, String> fields) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                String.join("; ", fields.values()));
        p.setTitle("Invalid field" + (fields.size() == 1 ? "" : "s") + ": " + String.join(", ", fields.keySet()));
        List<Map<String, String>> errors = fields.entrySet().stream()
                .map(en -> Map.of("field", en.getKey(), "message", en.getValue()))
                .collect(Collectors.toList());
        p.setProperty("errors", errors);
        return p;
    }

    private static String path(JsonMappingException e) {
        String joined = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return joined.isEmpty() ? "body" : joined;
    }
}

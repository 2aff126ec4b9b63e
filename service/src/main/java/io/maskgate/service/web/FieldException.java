package io.maskgate.service.web;

/** A bad request value that belongs to one named field or query parameter (answered as a 400 naming it). */
public class FieldException extends IllegalArgumentException {

    private final String field;

    public FieldException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}

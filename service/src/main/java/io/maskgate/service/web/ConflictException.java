package io.maskgate.service.web;

/** The request conflicts with the current state, e.g. a duplicate id (answered 409 problem+json). */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}

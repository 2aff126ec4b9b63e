package io.maskgate.service.web;

/** A requested resource does not exist (answered 404 problem+json). */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}

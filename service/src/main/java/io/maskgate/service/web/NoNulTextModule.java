package io.maskgate.service.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import org.springframework.stereotype.Component;

/**
 * Refuses text containing NUL (U+0000) in any JSON request body. PostgreSQL cannot store NUL in a text column, so
 * such a name would otherwise reach the database and fail there as a server error; refusing it while reading the
 * body names the field and answers 400 instead. Spring Boot registers every {@code Module} bean with its mapper.
 */
@Component
public class NoNulTextModule extends SimpleModule {

    public NoNulTextModule() {
        super("maskgate-no-nul-text");
        addDeserializer(String.class, new NoNulStringDeserializer());
    }

    /** Thrown while reading a body; {@link ProblemHandler} turns it into a field error. */
    public static final class NulTextException extends MismatchedInputException {
        NulTextException(JsonParser p) {
            super(p, "must not contain NUL (U+0000) characters", String.class);
        }
    }

    private static final class NoNulStringDeserializer extends StringDeserializer {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String s = super.deserialize(p, ctxt);
            if (s != null && s.indexOf('\0') >= 0) {
                throw new NulTextException(p);
            }
            return s;
        }
    }
}

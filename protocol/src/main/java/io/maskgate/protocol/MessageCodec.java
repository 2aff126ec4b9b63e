package io.maskgate.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Strict JSON codec for the message records. A payload is accepted only if it is a JSON object whose field
 * names are exactly the record's components (no missing, extra or duplicate fields), whose {@code v} is the
 * supported version, and whose values have exactly the component types (integers must be JSON integers: no
 * strings, no {@code 1.0}; enums by exact name; nullable only where the record allows null, yet still present).
 * The size limit is checked before parsing. Thread-safe; create once and share.
 */
public final class MessageCodec {

    private static final List<Class<?>> TYPES =
            List.of(Decision.class, DoorCommand.class, CommandAck.class, UnitStatus.class, FrameUpload.class,
                    OtaCommand.class, OtaReport.class, OtaFetch.class, OtaChunk.class, ModelManifest.class,
                    FireAlarm.class);

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final Map<Class<?>, Shape> shapes = new ConcurrentHashMap<>();

    /** JSON bytes of a message record, fields in record order, nulls written as JSON null. */
    public byte[] encode(Record message) {
        Shape shape = shapeOf(message.getClass());
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (RecordComponent c : shape.components) {
            Object value;
            try {
                value = c.getAccessor().invoke(message);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String name = c.getName();
            if (value == null) {
                node.putNull(name);
            } else if (value instanceof Integer i) {
                node.put(name, i);
            } else if (value instanceof Long l) {
                node.put(name, l);
            } else if (value instanceof Double d) {
                node.put(name, d);
            } else if (value instanceof Boolean b) {
                node.put(name, b);
            } else if (value instanceof Enum<?> e) {
                node.put(name, e.name());
            } else {
                node.put(name, value.toString());
            }
        }
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Encodes as a String (for tests, logs and vectors). */
    public String encodeToString(Record message) {
        return new String(encode(message), java.nio.charset.StandardCharsets.UTF_8);
    }

    public Decision decodeDecision(byte[] payload) throws ProtocolException {
        return decode(payload, Decision.class);
    }

    public DoorCommand decodeCommand(byte[] payload) throws ProtocolException {
        return decode(payload, DoorCommand.class);
    }

    public CommandAck decodeAck(byte[] payload) throws ProtocolException {
        return decode(payload, CommandAck.class);
    }

    public UnitStatus decodeStatus(byte[] payload) throws ProtocolException {
        return decode(payload, UnitStatus.class);
    }

    public FrameUpload decodeFrame(byte[] payload) throws ProtocolException {
        return decode(payload, FrameUpload.class);
    }

    public OtaCommand decodeOtaCommand(byte[] payload) throws ProtocolException {
        return decode(payload, OtaCommand.class);
    }

    public OtaReport decodeOtaReport(byte[] payload) throws ProtocolException {
        return decode(payload, OtaReport.class);
    }

    public OtaFetch decodeOtaFetch(byte[] payload) throws ProtocolException {
        return decode(payload, OtaFetch.class);
    }

    public OtaChunk decodeOtaChunk(byte[] payload) throws ProtocolException {
        return decode(payload, OtaChunk.class);
    }

    public ModelManifest decodeManifest(byte[] payload) throws ProtocolException {
        return decode(payload, ModelManifest.class);
    }

    /**
     * Decodes a payload into one of the message records.
     *
     * @throws ProtocolException OVERSIZE, MALFORMED or UNKNOWN_SCHEMA (signed types also need a string sig)
     */
    public <T extends Record> T decode(byte[] payload, Class<T> type) throws ProtocolException {
        Shape shape = shapeOf(type);
        if (payload == null) {
            throw new ProtocolException(RejectReason.MALFORMED, "empty payload");
        }
        int limit = Limits.maxPayloadFor(type);
        if (payload.length > limit) {
            throw new ProtocolException(RejectReason.OVERSIZE, "payload is " + payload.length + " bytes, limit " + limit);
        }
        JsonNode root = parse(payload);
        if (!root.isObject()) {
            throw new ProtocolException(RejectReason.MALFORMED, "payload is not a JSON object");
        }
        JsonNode v = root.get("v");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ProtocolException(RejectReason.MALFORMED, "v (schema version) must be an integer");
        }
        if (v.intValue() != Limits.SCHEMA_VERSION) {
            throw new ProtocolException(RejectReason.UNKNOWN_SCHEMA, "schema version " + v.intValue()
                    + " is not supported (expected " + Limits.SCHEMA_VERSION + ")");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!shape.names.contains(name)) {
                throw new ProtocolException(RejectReason.MALFORMED, "unknown field " + Ids.quote(name));
            }
        }
        Object[] args = new Object[shape.components.length];
        for (int i = 0; i < args.length; i++) {
            RecordComponent c = shape.components[i];
            JsonNode node = root.get(c.getName());
            if (node == null) {
                throw new ProtocolException(RejectReason.MALFORMED, "missing field " + c.getName());
            }
            args[i] = value(c, node);
        }
        if (SignedMessage.class.isAssignableFrom(type) && args[args.length - 1] == null) {
            throw new ProtocolException(RejectReason.MALFORMED, "sig must be a string");
        }
        try {
            return type.cast(shape.constructor.newInstance(args));
        } catch (InvocationTargetException e) {
            String why = e.getCause() == null ? "invalid field" : e.getCause().getMessage();
            throw new ProtocolException(RejectReason.MALFORMED, why);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode parse(byte[] payload) throws ProtocolException {
        try (JsonParser parser = mapper.createParser(payload)) {
            JsonNode root = mapper.readTree(parser);
            if (root == null || root.isMissingNode()) {
                throw new ProtocolException(RejectReason.MALFORMED, "empty payload");
            }
            if (parser.nextToken() != null) {
                throw new ProtocolException(RejectReason.MALFORMED, "trailing content after the JSON object");
            }
            return root;
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new ProtocolException(RejectReason.MALFORMED, "not valid JSON: " + firstLine(why));
        }
    }

    private static Object value(RecordComponent c, JsonNode node) throws ProtocolException {
        Class<?> t = c.getType();
        String name = c.getName();
        if (t == int.class) {
            if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                throw wrongType(name, "a 32-bit integer");
            }
            return node.intValue();
        }
        if (t == long.class) {
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                throw wrongType(name, "a 64-bit integer");
            }
            return node.longValue();
        }
        if (t == double.class) {
            if (!node.isNumber()) {
                throw wrongType(name, "a number");
            }
            return node.doubleValue();
        }
        if (t == boolean.class) {
            if (!node.isBoolean()) {
                throw wrongType(name, "true or false");
            }
            return node.booleanValue();
        }
        if (node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw wrongType(name, "a string");
        }
        String text = node.textValue();
        if (t == String.class) {
            return text;
        }
        if (t.isEnum()) {
            for (Object constant : t.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(text)) {
                    return constant;
                }
            }
            throw new ProtocolException(RejectReason.MALFORMED, name + " has unknown value " + Ids.quote(text));
        }
        throw new IllegalStateException("unsupported component type " + t);
    }

    private static ProtocolException wrongType(String field, String expected) {
        return new ProtocolException(RejectReason.MALFORMED, field + " must be " + expected);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "parse error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private Shape shapeOf(Class<?> type) {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("not a protocol message type: " + type.getName());
        }
        return shapes.computeIfAbsent(type, Shape::of);
    }

    private record Shape(RecordComponent[] components, java.util.Set<String> names, Constructor<?> constructor) {
        static Shape of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            java.util.Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                names.add(components[i].getName());
            }
            try {
                return new Shape(components, java.util.Set.copyOf(names), type.getDeclaredConstructor(types));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

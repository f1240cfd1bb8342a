package dev.loomftp.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON configuration document that remembers where each key and value was written, so that a problem found
 * after parsing (a port out of range, say) can still be reported by file, line and column.
 *
 * <p>A document can be laid over another one, a config file over the built-in defaults: objects merge key by key,
 * anything else (numbers, strings, arrays) is replaced whole. Every position still points into the source that
 * the value came from.
 */
final class JsonDocument {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ObjectNode root;
    private final List<Layer> layers;

    /**
     * One parsed source, with its own tree and the positions of its keys and values by JSON Pointer.
     *
     * @param source the name used in messages, usually the file path
     */
    private record Layer(
            String source, JsonNode root, Map<JsonPointer, JsonLocation> keys, Map<JsonPointer, JsonLocation> values) {

        boolean holds(JsonPointer at) {
            return !root.at(at).isMissingNode();
        }
    }

    private JsonDocument(ObjectNode root, List<Layer> layers) {
        this.root = root;
        this.layers = List.copyOf(layers);
    }

    /**
     * Parses one source, which must hold a single JSON object without duplicate keys.
     *
     * @param source the name used in messages, usually the file path as the operator gave it
     * @throws ConfigException when the text is not such a JSON object
     */
    static JsonDocument parse(String source, byte[] json) throws ConfigException {
        Map<JsonPointer, JsonLocation> keys = new HashMap<>();
        Map<JsonPointer, JsonLocation> values = new HashMap<>();
        // Parsed as text when it is UTF-8, so that columns count characters rather than bytes; otherwise as
        // bytes, so that Jackson reports where the encoding goes wrong.
        Optional<String> text = utf8(json);
        try {
            JsonParser parser = text.isPresent() ? MAPPER.createParser(text.get()) : MAPPER.createParser(json);
            locate(source, parser, keys, values);
            ObjectNode root = (ObjectNode) (text.isPresent() ? MAPPER.readTree(text.get()) : MAPPER.readTree(json));
            return new JsonDocument(root, List.of(new Layer(source, root, keys, values)));
        } catch (JsonProcessingException e) {
            throw new ConfigException(message(source, e.getLocation(), "malformed JSON: " + describe(e)), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from memory failed", e);
        }
    }

    /** This document with {@code top} laid over it: where both have a value, the one from {@code top} wins. */
    JsonDocument overlaidWith(JsonDocument top) {
        ObjectNode merged = root.deepCopy();
        overlay(merged, top.root);
        List<Layer> all = new ArrayList<>(layers);
        all.addAll(top.layers);
        return new JsonDocument(merged, all);
    }

    /** The merged tree. */
    ObjectNode root() {
        return root;
    }

    /** Whether the value at {@code at} is written in the last source laid over the others, the operator's file. */
    boolean isFromTop(JsonPointer at) {
        return layers.getLast().holds(at);
    }

    /** An error about the value at {@code at}, positioned where the value starts. */
    ConfigException valueError(JsonPointer at, String problem) {
        return error(at, problem, false);
    }

    /** An error about the key of the value at {@code at}, positioned where the key is written. */
    ConfigException keyError(JsonPointer at, String problem) {
        return error(at, problem, true);
    }

    private ConfigException error(JsonPointer at, String problem, boolean atKey) {
        for (Layer layer : layers.reversed()) {
            if (layer.holds(at)) {
                JsonLocation location = atKey ? layer.keys().getOrDefault(at, layer.values().get(at))
                        : layer.values().get(at);
                return new ConfigException(message(layer.source(), location, problem));
            }
        }
        Layer top = layers.getLast();
        return new ConfigException(message(top.source(), top.values().get(JsonPointer.empty()), problem));
    }

    /**
     * Reads the tokens once to note where each key and value starts, and rejects what the tree parser would
     * silently accept: duplicate keys, a top level that is not an object, and text after the closing brace.
     */
    private static void locate(
            String source, JsonParser json, Map<JsonPointer, JsonLocation> keys, Map<JsonPointer, JsonLocation> values)
            throws IOException, ConfigException {
        try (JsonParser parser = json) {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.START_OBJECT) {
                // At the end of the input there is no token, and its location has column 0.
                JsonLocation location = token == null ? parser.currentLocation() : parser.currentTokenLocation();
                throw new ConfigException(message(source, location,
                        "the configuration must be a JSON object ({ ... }), not " + describe(token)));
            }
            while (!parser.getParsingContext().inRoot()) {
                JsonPointer at = parser.getParsingContext().pathAsPointer();
                JsonLocation location = parser.currentTokenLocation();
                if (token == JsonToken.FIELD_NAME && keys.putIfAbsent(at, location) != null) {
                    throw new ConfigException(message(source, location,
                            "duplicate key " + ConfigNode.quoteKey(parser.currentName())));
                }
                if (token != JsonToken.FIELD_NAME) {
                    values.putIfAbsent(at, location);
                }
                token = parser.nextToken();
            }
            if (parser.nextToken() != null) {
                throw new ConfigException(message(source, parser.currentTokenLocation(),
                        "unexpected text after the closing '}' of the configuration"));
            }
        }
    }

    /** {@code json} decoded as UTF-8 without a byte order mark, or empty when it is not UTF-8. */
    private static Optional<String> utf8(byte[] json) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json))
                    .toString();
            return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static void overlay(ObjectNode target, ObjectNode top) {
        for (Map.Entry<String, JsonNode> field : top.properties()) {
            String key = field.getKey();
            if (target.get(key) instanceof ObjectNode below && field.getValue() instanceof ObjectNode above) {
                overlay(below, above);
            } else {
                target.set(key, field.getValue().deepCopy());
            }
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case null -> "an empty file";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "true or false";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    /** Jackson's own text, cut to its first line and without the parts that only make sense to a developer. */
    private static String describe(JsonProcessingException e) {
        String text = e.getOriginalMessage();
        for (String tail : List.of("\n", " (start marker at", " at [Source")) {
            int cut = text.indexOf(tail);
            if (cut >= 0) {
                text = text.substring(0, cut);
            }
        }
        return text.replaceAll(" \\(code \\d+\\)", "").replaceAll("[\\p{Cntrl}]", "?");
    }

    private static String message(String source, JsonLocation location, String problem) {
        return source + ": line " + location.getLineNr() + ", column " + location.getColumnNr() + ": " + problem;
    }
}

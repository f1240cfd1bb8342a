package dev.loomftp.config;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One value of a configuration document, together with the name it goes by in messages, such as
 * {@code listeners[0].port}. The accessors check the JSON type and range, and on failure throw a
 * {@link ConfigException} that points at the value in its file.
 */
final class ConfigNode {
    private final JsonDocument document;
    private final JsonNode json;
    private final JsonPointer pointer;
    private final String name;

    private ConfigNode(JsonDocument document, JsonNode json, JsonPointer pointer, String name) {
        this.document = document;
        this.json = json;
        this.pointer = pointer;
        this.name = name;
    }

    /** The top-level object of {@code document}. */
    static ConfigNode root(JsonDocument document) {
        return new ConfigNode(document, document.root(), JsonPointer.empty(), "");
    }

    /** The name of this value in messages, like {@code storage.mounts[1].path}. */
    String name() {
        return name;
    }

    /** Whether this value is written in the operator's file rather than taken from the default below it. */
    boolean isFromTop() {
        return document.isFromTop(pointer);
    }

    /** An error about this value: "{@code <name> <problem>}", at the value's line and column. */
    ConfigException error(String problem) {
        return document.valueError(pointer, name + " " + problem);
    }

    /** An error about this value's key: "{@code <name> <problem>}", where the key is written. */
    ConfigException keyError(String problem) {
        return document.keyError(pointer, name + " " + problem);
    }

    /**
     * Checks that this value is an object whose keys are all among {@code knownKeys}. Call it before
     * {@link #has} and {@link #get}, which take a missing or mistyped object for an empty one.
     *
     * @return this node, for chaining
     */
    ConfigNode object(String... knownKeys) throws ConfigException {
        if (!json.isObject()) {
            throw error("must be an object ({ ... }), not " + describe());
        }
        List<String> known = List.of(knownKeys);
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            String key = field.getKey();
            if (!known.contains(key)) {
                String where = name.isEmpty() ? "at the top level" : "in " + name;
                throw document.keyError(pointer.appendProperty(key), "unknown key " + quoteKey(key) + " " + where
                        + " (known keys: " + String.join(", ", known) + ")");
            }
        }
        return this;
    }

    /** Whether this object has {@code key}. */
    boolean has(String key) {
        return json.has(key);
    }

    /** The value of {@code key} in this object, which must be there. */
    ConfigNode get(String key) throws ConfigException {
        if (!has(key)) {
            String where = name.isEmpty() ? "at the top level" : "in " + name;
            throw document.valueError(pointer, "missing key " + quoteKey(key) + " " + where);
        }
        return child(key);
    }

    /** The fields of this object, by key, in the file's order; any key is allowed. */
    Map<String, ConfigNode> fields() throws ConfigException {
        if (!json.isObject()) {
            throw error("must be an object ({ ... }), not " + describe());
        }
        Map<String, ConfigNode> fields = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            fields.put(field.getKey(), child(field.getKey()));
        }
        return fields;
    }

    /** The elements of this array. */
    List<ConfigNode> elements() throws ConfigException {
        if (!json.isArray()) {
            throw error("must be an array ([ ... ]), not " + describe());
        }
        List<ConfigNode> elements = new ArrayList<>();
        for (int index = 0; index < json.size(); index++) {
            elements.add(new ConfigNode(document, json.get(index), pointer.appendIndex(index),
                    name + "[" + index + "]"));
        }
        return elements;
    }

    /** This value as an int from {@code min} to {@code max}, both included. */
    int integer(int min, int max) throws ConfigException {
        if (!json.isIntegralNumber()) {
            throw error("must be a whole number, not " + describe());
        }
        if (!json.canConvertToInt() || json.intValue() < min || json.intValue() > max) {
            throw error("must be from " + min + " to " + max + ", not " + describe());
        }
        return json.intValue();
    }

    /** This value as a string, which may be empty. */
    String string() throws ConfigException {
        if (!json.isTextual()) {
            throw error("must be a string, not " + describe());
        }
        return json.textValue();
    }

    /** This value as a boolean. */
    boolean bool() throws ConfigException {
        if (!json.isBoolean()) {
            throw error("must be true or false, not " + describe());
        }
        return json.booleanValue();
    }

    /** Whether this value is JSON {@code null}. */
    boolean isNull() {
        return json.isNull();
    }

    /**
     * This value as it would read in the file, for "must be X, not Y" messages: numbers, strings (quoted and
     * escaped, so that a message stays on one line), true, false and null as written, and the kind of anything
     * larger.
     */
    String describe() {
        return switch (json.getNodeType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> quote(json.textValue());
            case NUMBER, BOOLEAN, NULL -> json.toString();
            default -> "nothing";
        };
    }

    /** {@code text} in double quotes, with quotes and control characters escaped as in JSON. */
    static String quote(String text) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
    }

    /** A key name in single quotes, with control characters escaped as in JSON. */
    static String quoteKey(String key) {
        return "'" + new String(JsonStringEncoder.getInstance().quoteAsString(key)) + "'";
    }

    private ConfigNode child(String key) {
        String childName = name.isEmpty() ? key : name + "." + key;
        return new ConfigNode(document, json.get(key), pointer.appendProperty(key), childName);
    }
}

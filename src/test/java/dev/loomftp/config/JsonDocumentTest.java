package dev.loomftp.config;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonPointer;
import org.junit.jupiter.api.Test;

class JsonDocumentTest {
    private static final String BELOW = """
            {
              "section": { "kept": 1, "changed": 2 },
              "list": [ 1, 2, 3 ]
            }
            """;
    private static final String ABOVE = """
            {
              "section": { "changed": 20 },
              "list": [ 9 ]
            }
            """;

    @Test
    void objectsMergeKeyByKeyAndListsAreReplacedWhole() throws ConfigException {
        JsonDocument merged = parse("below.json", BELOW).overlaidWith(parse("above.json", ABOVE));

        assertEquals("{\"section\":{\"kept\":1,\"changed\":20},\"list\":[9]}", merged.root().toString());
    }

    @Test
    void errorsPointIntoTheSourceTheValueCameFrom() throws ConfigException {
        JsonDocument merged = parse("below.json", BELOW).overlaidWith(parse("above.json", ABOVE));

        assertEquals("below.json: line 2, column 24: kept",
                merged.valueError(JsonPointer.compile("/section/kept"), "kept").getMessage());
        assertEquals("above.json: line 2, column 27: changed",
                merged.valueError(JsonPointer.compile("/section/changed"), "changed").getMessage());
        assertEquals("above.json: line 3, column 13: list",
                merged.valueError(JsonPointer.compile("/list/0"), "list").getMessage());
    }

    @Test
    void keyErrorsPointAtTheKeyRatherThanTheValue() throws ConfigException {
        JsonDocument document = parse("doc.json", BELOW);

        assertEquals("doc.json: line 2, column 16: key",
                document.keyError(JsonPointer.compile("/section/kept"), "key").getMessage());
    }

    @Test
    void onlyValuesWrittenInTheTopSourceAreFromTop() throws ConfigException {
        JsonDocument merged = parse("below.json", BELOW).overlaidWith(parse("above.json", ABOVE));

        assertTrue(merged.isFromTop(JsonPointer.compile("/section/changed")));
        assertFalse(merged.isFromTop(JsonPointer.compile("/section/kept")));
    }

    private static JsonDocument parse(String source, String json) throws ConfigException {
        return JsonDocument.parse(source, json.getBytes(UTF_8));
    }
}

package dev.loomftp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataAddressTest {

    /** A numeric address; {@link InetAddress#getByName} never looks a literal up. */
    private static InetAddress address(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127,0,0,1,195,80          | 127.0.0.1       | 50000",
        "10,1,2,3,0,21             | 10.1.2.3        | 21",
        "0,0,0,0,0,1               | 0.0.0.0         | 1",
        "255,255,255,255,255,255   | 255.255.255.255 | 65535",
        "192,168,001,010,4,0       | 192.168.1.10    | 1024",
        "'  127,0,0,1,195,80\t'    | 127.0.0.1       | 50000",
    })
    void parsesPort(String argument, String host, int port) throws UnknownHostException {
        InetSocketAddress target = DataAddress.parsePort(argument);

        assertEquals(new InetSocketAddress(address(host), port), target);
        assertInstanceOf(Inet4Address.class, target.getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "127,0,0,1,195",           // five numbers
        "127,0,0,1,195,80,1",      // seven numbers
        "127,0,0,1,195,",
        ",127,0,0,1,195",
        "127,,0,1,195,80",
        "256,0,0,1,195,80",        // octet over 255
        "127,0,0,1,256,80",        // port byte over 255
        "127,0,0,1,195,256",
        "127,0,0,1,0,0",           // port 0
        "127, 0,0,1,195,80",       // spaces inside
        "127,0,0,1,195 ,80",
        "127,0,0,1,195,8 0",
        "a,0,0,1,195,80",          // letters
        "127,0,0,1,0x1,80",
        "127,0,0,1,c3,50",
        "-1,0,0,1,195,80",         // signs
        "+1,0,0,1,195,80",
        "127.0.0.1,195,80",
        "127,0,0,1,000195,80",     // too many digits
        "١٢٧,0,0,1,195,80",        // digits of another script
        "127,0,0,1,１９５,80",       // full-width digits
    })
    void rejectsMalformedPortArguments(String argument) {
        assertThrowsExactly(IllegalArgumentException.class, () -> DataAddress.parsePort(argument));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "|1|127.0.0.1|50000| ; 127.0.0.1 ; 50000",
        "|1|0.0.0.0|1| ; 0.0.0.0 ; 1",
        "|2|::1|50000| ; ::1 ; 50000",
        "|2|2001:DB8::A:1|21| ; 2001:db8::a:1 ; 21",
        "!1!10.0.0.1!2121! ; 10.0.0.1 ; 2121",
        "#2#fe80::1#65535# ; fe80::1 ; 65535",
        "~1~192.0.2.7~990~ ; 192.0.2.7 ; 990",
    })
    void parsesEprt(String argument, String host, int port) throws UnknownHostException {
        assertEquals(new InetSocketAddress(address(host), port), DataAddress.parseEprt(argument));
    }

    @Test
    void eprtProtocolTwoGivesAnIpv6Address() {
        assertInstanceOf(Inet6Address.class, DataAddress.parseEprt("|2|2001:db8::1|21|").getAddress());
        assertInstanceOf(Inet4Address.class, DataAddress.parseEprt("|1|192.0.2.1|21|").getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "|1|1|",
        "|1|127.0.0.1|50000",      // missing closing delimiter
        "1|127.0.0.1|50000|",      // missing opening delimiter
        "|1|127.0.0.1|50000|x",
        "|1|127.0.0.1|50000||",
        "|1|127.0.0.1|0|",         // port 0
        "|1|127.0.0.1|65536|",
        "|1|127.0.0.1|-1|",
        "|1|127.0.0.1| 21|",       // spaces
        "|1| 127.0.0.1|21|",
        "|1|127.0.0.1|2 1|",
        "|1|127.0.0.1|ftp|",       // letters
        "|1|127.0.0.1||",
        "|1|256.0.0.1|21|",
        "|1|127.0.0|21|",
        "|1|127.0.0.1.1|21|",
        "|1|localhost|21|",        // names are never looked up
        "|1|::1|21|",              // address of the other protocol
        "|2|127.0.0.1|21|",
        "|2|localhost|21|",
        "|2|1:2|21|",
        "|2|::1::2|21|",
        "|2|[::1]|21|",
        "|2|fe80::1%eth0|21|",     // no zones
        " |1|127.0.0.1|21| ",      // space is no delimiter
        "\u00e91\u00e9127.0.0.1\u00e921\u00e9", // nor a character outside printable ASCII
    })
    void rejectsMalformedEprtArguments(String argument) {
        assertThrowsExactly(IllegalArgumentException.class, () -> DataAddress.parseEprt(argument));
    }

    @ParameterizedTest
    @ValueSource(strings = {"|3|127.0.0.1|21|", "|0|127.0.0.1|21|", "|12|::1|21|", "|x|a|21|", "!AF_INET!10.0.0.1!21!"})
    void rejectsUnsupportedEprtProtocolSoTheReplyIs522(String argument) {
        assertThrows(DataAddress.UnsupportedProtocolException.class, () -> DataAddress.parseEprt(argument));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1       | 50000 | 127,0,0,1,195,80",
        "10.0.0.1        | 1     | 10,0,0,1,0,1",
        "192.168.200.9   | 256   | 192,168,200,9,1,0",
        "255.255.255.255 | 65535 | 255,255,255,255,255,255",
    })
    void formatsPasvAndParsesItBack(String host, int port, String expected) throws UnknownHostException {
        Inet4Address address = (Inet4Address) address(host);

        assertEquals(expected, DataAddress.formatPasv(address, port));
        assertEquals(new InetSocketAddress(address, port), DataAddress.parsePort(expected));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 21, 50000, 65535})
    void formatsEpsv(int port) {
        assertEquals("|||" + port + "|", DataAddress.formatEpsv(port));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "127.0.0.1 ; 50000 ; |1|127.0.0.1|50000|",
        "::1 ; 21 ; |2|::1|21|",
        "2001:DB8:0:0:0:0:0:A ; 990 ; |2|2001:db8::a|990|",
    })
    void formatsEprtAndParsesItBack(String host, int port, String expected) throws UnknownHostException {
        InetSocketAddress target = new InetSocketAddress(address(host), port);

        assertEquals(expected, DataAddress.formatEprt(target));
        assertEquals(target, DataAddress.parseEprt(expected));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "0:0:0:0:0:0:0:0,                         ::",
        "0:0:0:0:0:0:0:1,                         ::1",
        "1:0:0:0:0:0:0:0,                         1::",
        "fd00:0:0:0:0:0:0:2,                      fd00::2",
        "2001:db8:0:0:1:0:0:1,                    2001:db8::1:0:0:1",
        "2001:0:0:1:0:0:0:1,                      2001:0:0:1::1",
        "1:0:0:0:2:0:0:0,                         1::2:0:0:0",
        "2001:db8:0:1:1:1:1:1,                    2001:db8:0:1:1:1:1:1",
        "0:1:2:3:4:5:6:7,                         0:1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:0,                         1:2:3:4:5:6:7:0",
        "1:2:3:0:0:6:7:8,                         1:2:3::6:7:8",
        "2001:0DB8:0000:0000:0000:0000:0000:00AB, 2001:db8::ab",
        "fe80:0:0:0:0:0:0:1%1,                    fe80::1",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    })
    void writesIpv6InRfc5952ShortForm(String literal, String expected) throws UnknownHostException {
        assertEquals(expected, DataAddress.text(address(literal)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "192.0.2.255"})
    void writesIpv4Dotted(String literal) throws UnknownHostException {
        assertEquals(literal, DataAddress.text(address(literal)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1.2.3.-4", "localhost", "::1", "1.2.3.4 "})
    void ipv4RejectsAnythingButFourDecimalOctets(String text) {
        assertThrowsExactly(IllegalArgumentException.class, () -> DataAddress.ipv4(text));
    }

    @Test
    void ipv4ParsesDottedQuad() throws UnknownHostException {
        assertEquals(address("203.0.113.9"), DataAddress.ipv4("203.0.113.9"));
    }
}

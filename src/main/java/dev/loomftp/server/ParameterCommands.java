package dev.loomftp.server;

import dev.loomftp.config.Config;
import dev.loomftp.protocol.DataAddress;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Locale;
import java.util.Optional;
import org.tinylog.Logger;

/**
 * The transfer parameter commands: TYPE, MODE and STRU, and the data-connection commands PASV
 * and EPSV (the client connects to us) and PORT and EPRT (we connect to the client).
 */
final class ParameterCommands {
    /** Active connections go only to unprivileged ports, against FTP bounce (RFC 2577). */
    private static final int LOWEST_ACTIVE_PORT = 1024;

    private ParameterCommands() {}

    /** TYPE A (or A N) and TYPE I (or L 8); EBCDIC and the other ASCII formats are refused. */
    static void type(Session session, String argument) throws IOException {
        String type = argument.strip().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        switch (type) {
            case "A", "A N" -> setType(session, TransferType.ASCII);
            case "I", "L 8" -> setType(session, TransferType.BINARY);
            default -> {
                if (type.matches("[AEIL]( .*)?")) {
                    session.reply(504, "Type '" + Session.shorten(type) + "' is not supported; use A or I.");
                } else {
                    session.reply(501, "Unknown type '" + Session.shorten(type) + "'.");
                }
            }
        }
    }

    /** MODE S (stream) and MODE Z (stream compressed with zlib); block and compressed modes are refused. */
    static void mode(Session session, String argument) throws IOException {
        switch (argument.strip().toUpperCase(Locale.ROOT)) {
            case "S" -> {
                session.parameters().modeZ(false);
                session.reply(200, "Mode set to S.");
            }
            case "Z" -> {
                session.parameters().modeZ(true);
                session.reply(200, "Mode set to Z (zlib, level " + session.parameters().compressionLevel() + ").");
            }
            case "B", "C" -> session.reply(504, "Only modes S and Z are supported.");
            default -> session.reply(501, "Unknown mode '" + Session.shorten(argument) + "'.");
        }
    }

    static void stru(Session session, String argument) throws IOException {
        switch (argument.strip().toUpperCase(Locale.ROOT)) {
            case "F" -> session.reply(200, "Structure set to F.");
            case "R", "P" -> session.reply(504, "Only file structure (F) is supported.");
            default -> session.reply(501, "Unknown structure '" + Session.shorten(argument) + "'.");
        }
    }

    /**
     * PASV answers with an IPv4 address: the one configured for the client's network, else the
     * one configured for all (behind NAT), else the local one.
     */
    static void pasv(Session session, String argument) throws IOException {
        if (refusedAfterEpsvAll(session, "PASV")) {
            return;
        }
        Config.Passive settings = session.context().config().passive();
        InetAddress local = session.local().getAddress();
        Optional<Config.PassiveAddress> rule = settings.byNetwork().stream()
                .filter(candidate -> candidate.network().contains(session.remote().getAddress()))
                .findFirst();
        Inet4Address address;
        if (rule.isPresent()) {
            Optional<Inet4Address> resolved = resolve(rule.get().address());
            if (resolved.isEmpty()) {
                Logger.warn("session {}: the passive address {} for {} has no IPv4 address now", session.id(),
                        rule.get().address(), rule.get().network());
                session.reply(425, "The server's passive address cannot be found now; try again later.");
                return;
            }
            address = resolved.get();
        } else if (settings.advertisedAddress() != null) {
            address = DataAddress.ipv4(settings.advertisedAddress());
        } else if (local instanceof Inet4Address ipv4) {
            address = ipv4;
        } else {
            session.reply(425, "PASV needs IPv4; use EPSV on this connection.");
            return;
        }
        DataConnector.Passive passive = listen(session);
        if (passive != null) {
            session.reply(227, "Entering Passive Mode (" + DataAddress.formatPasv(address, passive.port()) + ").");
        }
    }

    /** An IPv4 literal as it is, or a host name's first IPv4 address, looked up now. */
    private static Optional<Inet4Address> resolve(String address) {
        try {
            for (InetAddress found : InetAddress.getAllByName(address)) {
                if (found instanceof Inet4Address ipv4) {
                    return Optional.of(ipv4);
                }
            }
        } catch (java.net.UnknownHostException e) {
            Logger.debug("no address for {}", address);
        }
        return Optional.empty();
    }

    /** EPSV (RFC 2428): the port only; EPSV ALL makes it the only data command allowed. */
    static void epsv(Session session, String argument) throws IOException {
        String protocol = argument.strip().toUpperCase(Locale.ROOT);
        boolean ipv6 = session.local().getAddress() instanceof Inet6Address;
        switch (protocol) {
            case "ALL" -> {
                session.dataSetup().extendedPassiveOnly(true);
                session.reply(200, "EPSV ALL accepted: only EPSV from now on.");
                return;
            }
            case "", "1", "2" -> {
                if (protocol.equals("1") && ipv6 || protocol.equals("2") && !ipv6) {
                    session.reply(522, "Network protocol not supported, use (" + (ipv6 ? 2 : 1) + ").");
                    return;
                }
            }
            default -> {
                session.reply(522, "Network protocol not supported, use (" + (ipv6 ? 2 : 1) + ").");
                return;
            }
        }
        DataConnector.Passive passive = listen(session);
        if (passive != null) {
            session.reply(229, "Entering Extended Passive Mode (" + DataAddress.formatEpsv(passive.port()) + ").");
        }
    }

    static void port(Session session, String argument) throws IOException {
        if (refusedAfterEpsvAll(session, "PORT")) {
            return;
        }
        InetSocketAddress target;
        try {
            target = DataAddress.parsePort(argument);
        } catch (IllegalArgumentException e) {
            session.reply(501, "Syntax: PORT h1,h2,h3,h4,p1,p2 (" + e.getMessage() + ").");
            return;
        }
        active(session, target, "PORT");
    }

    static void eprt(Session session, String argument) throws IOException {
        if (refusedAfterEpsvAll(session, "EPRT")) {
            return;
        }
        InetSocketAddress target;
        try {
            target = DataAddress.parseEprt(argument.strip());
        } catch (DataAddress.UnsupportedProtocolException e) {
            session.reply(522, "Network protocol not supported, use (1,2).");
            return;
        } catch (IllegalArgumentException e) {
            session.reply(501, "Syntax: EPRT |protocol|address|port| (" + Session.shorten(e.getMessage()) + ").");
            return;
        }
        active(session, target, "EPRT");
    }

    /**
     * Accepts an active target only at the client's own address and an unprivileged port, so the
     * server cannot be used to reach a third host (FTP bounce, RFC 2577).
     */
    private static void active(Session session, InetSocketAddress target, String command) throws IOException {
        InetAddress client = session.remote().getAddress();
        if (!target.getAddress().equals(client)) {
            Logger.warn("session {}: {} to a foreign address refused", session.id(), command);
            session.reply(501, "Data connections go only to your own address.");
            return;
        }
        if (target.getPort() < LOWEST_ACTIVE_PORT) {
            session.reply(501, "Data connections go only to ports " + LOWEST_ACTIVE_PORT + " and up.");
            return;
        }
        session.dataSetup().prepare(new DataConnector.Active(target, session.local().getAddress()));
        session.reply(200, command + " command successful.");
    }

    private static void setType(Session session, TransferType type) throws IOException {
        session.parameters().type(type);
        session.reply(200, "Type set to " + type.code() + ".");
    }

    private static DataConnector.Passive listen(Session session) throws IOException {
        PassivePorts ports = session.context().passivePorts();
        ServerSocketChannel listener;
        try {
            listener = ports.open(session.local().getAddress());
        } catch (IOException e) {
            Logger.warn("session {}: no passive port: {}", session.id(), e.getMessage());
            session.reply(425, "No passive port is free; try again later.");
            return null;
        }
        DataConnector.Passive passive = new DataConnector.Passive(ports, listener, session.dataPeers(),
                session.remote().getAddress(), session.dataProxy());
        session.dataSetup().prepare(passive);
        return passive;
    }

    private static boolean refusedAfterEpsvAll(Session session, String command) throws IOException {
        if (session.dataSetup().extendedPassiveOnly()) {
            session.reply(503, command + " is not allowed after EPSV ALL.");
            return true;
        }
        return false;
    }
}

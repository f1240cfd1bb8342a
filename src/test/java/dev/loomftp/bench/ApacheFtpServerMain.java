package dev.loomftp.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.ssl.SslConfigurationFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;

/**
 * Apache FtpServer as the benchmark runs it, from {@code bench/apache-ftpserver.properties} as
 * the benchmark filled it in: its own process, one listener on the loopback, a passive range,
 * its properties users file, the login limit raised from 10, and explicit FTPS when a keystore is
 * given. It serves until it is stopped.
 */
public final class ApacheFtpServerMain {
    private ApacheFtpServerMain() {}

    public static void main(String[] args) throws IOException, FtpException {
        Properties settings = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]))) {
            settings.load(in);
        }
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress(settings.getProperty("address"));
        listener.setPort(Integer.parseInt(settings.getProperty("port")));
        listener.setIdleTimeout(Integer.parseInt(settings.getProperty("idleTimeout")));
        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setPassivePorts(settings.getProperty("passivePorts"));
        data.setIdleTime(Integer.parseInt(settings.getProperty("idleTimeout")));
        String keystore = settings.getProperty("keystore", "");
        if (!keystore.isEmpty()) {
            SslConfigurationFactory ssl = new SslConfigurationFactory();
            ssl.setKeystoreFile(Path.of(keystore).toFile());
            ssl.setKeystoreType("PKCS12");
            ssl.setKeystorePassword(settings.getProperty("keystorePassword"));
            listener.setSslConfiguration(ssl.createSslConfiguration());
            listener.setImplicitSsl(false);
            data.setSslConfiguration(ssl.createSslConfiguration());
        }
        listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());

        ConnectionConfigFactory connections = new ConnectionConfigFactory();
        int maxLogins = Integer.parseInt(settings.getProperty("maxLogins"));
        connections.setMaxLogins(maxLogins);
        connections.setMaxAnonymousLogins(maxLogins);
        connections.setMaxThreads(Integer.parseInt(settings.getProperty("maxThreads")));
        PropertiesUserManagerFactory users = new PropertiesUserManagerFactory();
        users.setFile(Path.of(settings.getProperty("usersFile")).toFile());

        FtpServerFactory factory = new FtpServerFactory();
        factory.addListener("default", listener.createListener());
        factory.setConnectionConfig(connections.createConnectionConfig());
        factory.setUserManager(users.createUserManager());
        FtpServer server = factory.createServer();
        server.start();
        System.out.println("Apache FtpServer listening on port " + settings.getProperty("port"));
    }
}

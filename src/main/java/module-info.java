/** loomftp: an FTP server and client built on virtual threads and structured concurrency. */
module dev.loomftp {
    requires com.fasterxml.jackson.databind;
    requires org.tinylog.api;
    requires org.jline.reader;
    // sun.misc.Signal: SIGUSR1 reopens the transfer logs after logrotate moved them. The JDK has
    // no supported API for a signal other than the ones that stop it.
    requires jdk.unsupported;
    // The Prometheus endpoint (com.sun.net.httpserver), and the JVM figures it shows: virtual
    // threads (jdk.management.VirtualThreadSchedulerMXBean) and open file descriptors.
    requires jdk.httpserver;
    requires jdk.management;
    // Hooks that POST to a URL.
    requires java.net.http;
    // Mounts on S3-compatible object storage, through the AWS SDK. Its jars are automatic modules,
    // which jlink cannot link: the image carries them in lib/jars, on the module path its launcher
    // gives, so they are required here as optional at link time.
    requires static software.amazon.awssdk.services.s3;
    requires static software.amazon.awssdk.core;
    requires static software.amazon.awssdk.awscore;
    requires static software.amazon.awssdk.auth;
    requires static software.amazon.awssdk.regions;
    requires static software.amazon.awssdk.http;
    requires static software.amazon.awssdk.http.apache5;
    requires static software.amazon.awssdk.utils;

    // Users, bans and quota counters shared by many nodes, in PostgreSQL: JDBC, the pgjdbc driver
    // (an automatic module, in lib/jars), the HikariCP pool and Flyway's migrations.
    requires java.sql;
    requires static org.postgresql.jdbc;
    requires static com.zaxxer.hikari;
    requires static flyway.core;

    opens dev.loomftp.config to com.fasterxml.jackson.databind;
    opens dev.loomftp.bench to com.fasterxml.jackson.databind;
}

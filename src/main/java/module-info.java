/** loomftp: an FTP server and client built on virtual threads and structured concurrency. */
module dev.loomftp {
    requires com.fasterxml.jackson.databind;
    requires org.tinylog.api;
    requires org.jline.reader;

    opens dev.loomftp.config to com.fasterxml.jackson.databind;
    opens dev.loomftp.bench to com.fasterxml.jackson.databind;
}

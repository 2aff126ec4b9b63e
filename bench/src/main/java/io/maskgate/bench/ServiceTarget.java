package io.maskgate.bench;

import picocli.CommandLine.Option;

/**
 * The broker and database the in-process service of {@code bench decisions} and {@code bench soak} uses: one
 * picocli mixin, so both commands name, default and describe these options alike.
 */
final class ServiceTarget {
    @Option(names = "--mqtt", paramLabel = "URL",
            description = "broker to drive (e.g. tcp://127.0.0.1:1883); default: the in-process broker")
    String mqtt;

    @Option(names = "--db-url", paramLabel = "JDBC",
            description = "PostgreSQL for the service's event log; default: embedded PostgreSQL (temp dir)")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "postgres", paramLabel = "U")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "", paramLabel = "P")
    String dbPassword;
}

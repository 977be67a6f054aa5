// A local Neo4j Community (5.26 LTS) for tests and trying the Neo4j store: embedded in this
// JVM, Bolt on 127.0.0.1 only, authentication off, reading files through LOAD CSV disabled.
//
//   java -cp 'scripts/neo4j/lib/*' scripts/neo4j/Launcher.java <folder> <port>
//
// <folder> holds the database, its logs, an empty import folder and the neo4j.conf this
// launcher writes; <port> 0 picks a free port. Once Bolt listens, the launcher writes
// <folder>/launcher.ready ({"port": ..., "pid": ...}) and runs until it is sent SIGTERM,
// when it shuts the database down cleanly. app/neo4j_server.py drives it.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

public class Launcher {

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Launcher.java <folder> <port>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Path ready = home.resolve("launcher.ready");
        Files.deleteIfExists(ready);
        Path conf = writeConfig(home, port);

        long started = System.nanoTime();
        DatabaseManagementService dbms =
                new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("launcher: shutting down");
            try {
                Files.deleteIfExists(ready);
            } catch (IOException ignored) {
                // the state is rewritten on the next start anyway
            }
            dbms.shutdown();
            stopped.countDown();
            System.out.println("launcher: stopped");
        }));

        int boltPort = boltPort(dbms);
        writeReady(ready, boltPort);
        System.out.printf("launcher: Neo4j %s ready on bolt://127.0.0.1:%d in %d ms%n",
                version(), boltPort, (System.nanoTime() - started) / 1_000_000);
        stopped.await();
    }

    // Settings go through a neo4j.conf so they can be read next to the data; strict validation
    // (on by default) rejects a misspelt name instead of ignoring it.
    static Path writeConfig(Path home, int port) throws IOException {
        Path importDir = home.resolve("import");
        Files.createDirectories(importDir);
        List<String> lines = List.of(
                "# written by scripts/neo4j/Launcher.java on every start",
                "server.bolt.enabled=true",
                "server.bolt.listen_address=127.0.0.1:" + port,
                "server.bolt.advertised_address=127.0.0.1:" + port,
                "server.bolt.thread_pool_min_size=2",
                "server.bolt.thread_pool_max_size=40",
                // Close Bolt at once on shutdown instead of after Netty's quiet period (5 s).
                "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
                "dbms.security.auth_enabled=false",
                "dbms.usage_report.enabled=false",
                "dbms.security.allow_csv_import_from_file_urls=false",
                "server.directories.import=" + importDir,
                // Room for a scenario of 100k relations replaced in one transaction (the old
                // and the new records); the page cache takes memory only as the store grows.
                "server.memory.pagecache.size=" + env("GOVGRAPH_NEO4J_PAGECACHE", "512m"),
                "db.tx_log.rotation.retention_policy=2 files",
                "db.tx_log.rotation.size=64m",
                // No zero-filled 64 MB log file ahead of each rotation: a big import rotates.
                "db.tx_log.preallocate=false",
                "dbms.memory.transaction.total.max=" + env("GOVGRAPH_NEO4J_TX_MEMORY", "0"));
        Path conf = home.resolve("neo4j.conf");
        Files.write(conf, lines, StandardCharsets.UTF_8);
        return conf;
    }

    static int boltPort(DatabaseManagementService dbms) {
        GraphDatabaseAPI system = (GraphDatabaseAPI) dbms.database("system");
        ConnectorPortRegister ports =
                system.getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
        return ports.getLocalAddress(ConnectorType.BOLT).getPort();
    }

    // Written to a temporary name and moved, so a reader never sees half a file.
    static void writeReady(Path ready, int port) throws IOException {
        Path tmp = ready.resolveSibling("launcher.ready.tmp");
        String json = String.format("{\"port\": %d, \"pid\": %d}%n", port, ProcessHandle.current().pid());
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        Files.move(tmp, ready, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    static String version() {
        Package p = DatabaseManagementService.class.getPackage();
        return p == null || p.getImplementationVersion() == null ? "5.26" : p.getImplementationVersion();
    }
}

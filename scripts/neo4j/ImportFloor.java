// The engine floor of an import: how fast Neo4j itself writes a scenario through its Java Core
// API, in process and in one transaction, with no driver, Bolt or Cypher in between. The
// import benchmark (scripts/bench_import.py) runs it on the same data as the store's import,
// so the two rates come from the same minute of the same machine.
//
//   java -cp 'scripts/neo4j/lib/*' scripts/neo4j/ImportFloor.java <input.json> <folder> <repeat> [<warm-ups>]
//
// <input.json> holds the schema statements and the scenario in columns, each property as the
// store writes it (bench_import.floor_input); <folder> is a scratch folder for the database.
// After <warm-ups> untimed imports (1 unless given), it imports the scenario <repeat> times,
// each in one transaction timed from begin until the commit returns, deleting it between runs
// (untimed), and prints one JSON line: {"rates": [...], "write_s": [...], "commit_s": [...]}.
// On two cores the rate still rises over the first three or four imports of 100k relations
// (the JIT compiler and the collector's heap sizing share the cores with the import).

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.Entity;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;

public class ImportFloor {

    /** Properties in columns: one array per key, a null where the item has no value. */
    record Columns(String[] keys, Object[][] values) {

        static Columns of(JsonNode table) {
            List<String> keys = new ArrayList<>();
            List<Object[]> values = new ArrayList<>();
            for (Map.Entry<String, JsonNode> column : table.properties()) {
                keys.add(column.getKey());
                Object[] row = new Object[column.getValue().size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = value(column.getValue().get(i));
                }
                values.add(row);
            }
            return new Columns(keys.toArray(new String[0]), values.toArray(new Object[0][]));
        }

        // Nulls are not stored; setting a constant first keeps the store's property order.
        void set(Entity entity, Map<String, Object> constants, int row) {
            constants.forEach(entity::setProperty);
            for (int k = 0; k < keys.length; k++) {
                Object value = values[k][row];
                if (value != null) {
                    entity.setProperty(keys[k], value);
                }
            }
        }
    }

    /** The scenario as the store writes it, its values already converted to Java types. */
    record Scenario(
            Label scenarioLabel,
            Map<String, Object> scenarioProps,
            Label[][] kindLabels,
            int[] kind,
            Map<String, Object> actorConstants,
            Columns actors,
            RelationshipType[] types,
            int[] type,
            int[] source,
            int[] target,
            Map<String, Object> relationConstants,
            Columns relations) {

        static Scenario of(JsonNode root) {
            JsonNode actors = root.get("actors");
            JsonNode relations = root.get("relations");
            return new Scenario(
                    Label.label(root.get("scenario").get("label").asText()),
                    map(root.get("scenario").get("props")),
                    labels(actors.get("labels")),
                    ints(actors.get("label")),
                    map(actors.get("constants")),
                    Columns.of(actors.get("columns")),
                    relationTypes(relations.get("types")),
                    ints(relations.get("type")),
                    ints(relations.get("source")),
                    ints(relations.get("target")),
                    map(relations.get("constants")),
                    Columns.of(relations.get("columns")));
        }

        int relationCount() {
            return type.length;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: ImportFloor.java <input.json> <folder> <repeat> [<warm-ups>]");
            System.exit(2);
        }
        JsonNode root = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        Scenario scenario = Scenario.of(root);
        Path home = Path.of(args[1]).toAbsolutePath();
        int repeat = Integer.parseInt(args[2]);
        int warmUps = args.length > 3 ? Integer.parseInt(args[3]) : 1;

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(writeConfig(home))
                .build();
        try {
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            createSchema(db, root.get("schema"));
            // Warm-up: a first import runs interpreted code; it is not a measure of Neo4j.
            for (int i = 0; i < warmUps; i++) {
                importOnce(db, scenario);
                deleteAll(db);
            }
            Map<String, List<Double>> runs = new LinkedHashMap<>();
            for (String name : List.of("rates", "write_s", "commit_s")) {
                runs.put(name, new ArrayList<>());
            }
            for (int i = 0; i < repeat; i++) {
                double[] seconds = importOnce(db, scenario);
                deleteAll(db);
                runs.get("rates").add(scenario.relationCount() / (seconds[0] + seconds[1]));
                runs.get("write_s").add(seconds[0]);
                runs.get("commit_s").add(seconds[1]);
            }
            System.out.println(new ObjectMapper().writeValueAsString(runs));
        } finally {
            dbms.shutdown();
        }
    }

    // The settings of Launcher.writeConfig that bear on a write, without Bolt.
    static Path writeConfig(Path home) throws IOException {
        Files.createDirectories(home);
        List<String> lines = List.of(
                "# written by scripts/neo4j/ImportFloor.java on every start",
                "server.bolt.enabled=false",
                "dbms.usage_report.enabled=false",
                "server.memory.pagecache.size=" + env("GOVGRAPH_NEO4J_PAGECACHE", "512m"),
                "db.tx_log.rotation.retention_policy=2 files",
                "db.tx_log.rotation.size=64m",
                "db.tx_log.preallocate=false",
                "dbms.memory.transaction.total.max=" + env("GOVGRAPH_NEO4J_TX_MEMORY", "0"));
        Path conf = home.resolve("neo4j.conf");
        Files.write(conf, lines, StandardCharsets.UTF_8);
        return conf;
    }

    static void createSchema(GraphDatabaseService db, JsonNode statements) {
        for (JsonNode statement : statements) {
            db.executeTransactionally(statement.asText());
        }
        try (Transaction tx = db.beginTx()) {
            tx.schema().awaitIndexesOnline(5, TimeUnit.MINUTES);
            tx.commit();
        }
    }

    /** Write the scenario in one transaction; return the seconds to write and to commit. */
    static double[] importOnce(GraphDatabaseService db, Scenario s) {
        long begin = System.nanoTime();
        long written;
        long committed;
        try (Transaction tx = db.beginTx()) {
            Node head = tx.createNode(s.scenarioLabel());
            s.scenarioProps().forEach(head::setProperty);
            Node[] nodes = new Node[s.kind().length];
            for (int i = 0; i < nodes.length; i++) {
                nodes[i] = tx.createNode(s.kindLabels()[s.kind()[i]]);
                s.actors().set(nodes[i], s.actorConstants(), i);
            }
            for (int j = 0; j < s.relationCount(); j++) {
                Entity rel = nodes[s.source()[j]].createRelationshipTo(
                        nodes[s.target()[j]], s.types()[s.type()[j]]);
                s.relations().set(rel, s.relationConstants(), j);
            }
            written = System.nanoTime();
            tx.commit();
            committed = System.nanoTime();
        }
        return new double[] {(written - begin) / 1e9, (committed - written) / 1e9};
    }

    static void deleteAll(GraphDatabaseService db) {
        db.executeTransactionally("MATCH (n) DETACH DELETE n");
    }

    // JSON to the Java types the store's values arrive as: lists as String[] (empty ones
    // too), floats as double, integers as long, booleans as boolean; null stays null.
    static Object value(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isArray()) {
            String[] items = new String[node.size()];
            for (int i = 0; i < items.length; i++) {
                items[i] = node.get(i).asText();
            }
            return items;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isFloatingPointNumber()) {
            return node.doubleValue();
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        throw new IllegalArgumentException("unsupported property value: " + node);
    }

    static Map<String, Object> map(JsonNode object) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            Object value = value(field.getValue());
            if (value != null) {
                out.put(field.getKey(), value);
            }
        }
        return out;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    static Label[][] labels(JsonNode sets) {
        Label[][] out = new Label[sets.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Label[sets.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = Label.label(sets.get(i).get(j).asText());
            }
        }
        return out;
    }

    static RelationshipType[] relationTypes(JsonNode names) {
        RelationshipType[] out = new RelationshipType[names.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = RelationshipType.withName(names.get(i).asText());
        }
        return out;
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}

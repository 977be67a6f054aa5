import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.gephi.graph.api.Column;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Node;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

/**
 * Reads graph files with the Gephi Toolkit's importer at its default settings (as Gephi's
 * "Open" does, appending to a new workspace) and prints, per file, one JSON line:
 * {"file", "nodes", "edges", "labels": [node labels], "edge_types": [edge type labels],
 *  "node_columns": [...], "edge_columns": [...]}.
 * Run: java -cp gephi-toolkit-0.10.1-all.jar ReadGraph.java FILE...
 */
public class ReadGraph {
    public static void main(String[] args) throws Exception {
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        for (String path : args) {
            projects.newProject();
            Workspace workspace = projects.getCurrentWorkspace();
            Container container = importer.importFile(new File(path));
            if (container == null) {
                System.out.println("{\"file\": " + quote(path) + ", \"error\": \"not imported\"}");
                continue;
            }
            importer.process(container, new DefaultProcessor(), workspace);
            GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
            System.out.println(describe(path, model));
            projects.closeCurrentProject();
        }
        System.exit(0);
    }

    static String describe(String path, GraphModel model) {
        List<String> labels = new ArrayList<>();
        for (Node node : model.getGraph().getNodes()) {
            labels.add(quote(node.getLabel()));
        }
        List<String> types = new ArrayList<>();
        for (Edge edge : model.getGraph().getEdges()) {
            Object type = model.getEdgeTypeLabel(edge.getType());
            types.add(quote(type == null ? null : type.toString()));
        }
        return "{\"file\": " + quote(path)
            + ", \"nodes\": " + model.getGraph().getNodeCount()
            + ", \"edges\": " + model.getGraph().getEdgeCount()
            + ", \"labels\": " + labels
            + ", \"edge_types\": " + types
            + ", \"node_columns\": " + columns(model.getNodeTable().toArray())
            + ", \"edge_columns\": " + columns(model.getEdgeTable().toArray()) + "}";
    }

    static String columns(Column[] columns) {
        List<String> names = new ArrayList<>();
        for (Column column : columns) {
            names.add(quote(column.getTitle()));
        }
        return names.toString();
    }

    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}

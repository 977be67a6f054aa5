/* One self-contained HTML file of the current view: vis-network inlined from /-/vendor, the
   view's nodes and edges as JSON, and a tiny viewer. It is opened from disk, so its scripts are
   inline; everything inlined is escaped so no "</script>" or markup in the data can end them. */
(function () {
  "use strict";

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  /* JSON that is safe inside a <script> element: no "<", ">", "&" or line separators left raw. */
  function scriptJson(value) {
    return JSON.stringify(value)
      .replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026")
      .replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  }

  function scriptText(code) {
    return code.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
  }

  const VIEWER = [
    "(function(){var D=JSON.parse(document.getElementById('govgraph-data').textContent);",
    "var info=document.getElementById('info');",
    "var nodes=new vis.DataSet(D.nodes),edges=new vis.DataSet(D.edges);",
    "var net=new vis.Network(document.getElementById('net'),{nodes:nodes,edges:edges},",
    "{physics:false,layout:{improvedLayout:false},edges:{smooth:false},interaction:{hover:true,hideEdgesOnDrag:true}});",
    "net.on('click',function(p){var n=p.nodes.length?nodes.get(p.nodes[0]):null;",
    "info.textContent=n?(n.label+(n.info?' \\u2014 '+n.info:'')):D.title;});",
    "info.textContent=D.title;})();",
  ].join("");

  async function build(snapshot, scenario) {
    const response = await fetch("/-/vendor/vis-network.min.js");
    if (!response.ok) throw new Error("could not fetch vis-network for the export");
    const vis = await response.text();
    const title = (scenario.title || scenario.id || "govgraph") + " · govgraph export";
    const data = { title: title, nodes: snapshot.nodes, edges: snapshot.edges };
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">" +
      "<title>" + escapeHtml(title) + "</title>" +
      "<style>html,body{margin:0;height:100%;font-family:system-ui,sans-serif}#net{position:absolute;inset:0}" +
      "#info{position:absolute;left:12px;top:10px;z-index:2;background:#fff;padding:6px 10px;border:1px solid #ccd;border-radius:6px}</style>" +
      "</head><body><div id=\"info\"></div><div id=\"net\"></div>\n" +
      "<script type=\"application/json\" id=\"govgraph-data\">" + scriptJson(data) + "</script>\n" +
      "<script>" + scriptText(vis) + "</script>\n<script>" + VIEWER + "</script>\n</body></html>\n";
  }

  window.OfflineExport = { build, scriptJson, escapeHtml };
})();

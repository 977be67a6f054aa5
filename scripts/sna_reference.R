# Reference values of Krackhardt's graph measures from R's sna package.
#
# Writes tests/data/sna_reference.json: for every graph its vertex count, its arcs (0-based
# [from, to] pairs) and sna's connectedness, hierarchy (measure = "krackhardt"), efficiency and
# lubness. Undefined values (NaN, or an error such as sna raises on a graph with no vertices)
# are written as null. The tests read the JSON, so only regenerating it needs R:
#
#     Rscript scripts/sna_reference.R [tests/data/sna_reference.json]

suppressMessages({
  library(sna)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[[1]] else "tests/data/sna_reference.json"

from_arcs <- function(n, arcs) {
  g <- matrix(0, n, n)
  for (a in arcs) g[a[1] + 1, a[2] + 1] <- 1
  g
}

arcs_of <- function(g) {
  idx <- which(g != 0, arr.ind = TRUE)
  idx <- idx[order(idx[, 1], idx[, 2]), , drop = FALSE]
  lapply(seq_len(NROW(idx)), function(i) as.integer(idx[i, ] - 1))
}

# sna answers NaN for undefined values and fails outright on some degenerate graphs.
value <- function(f, g) {
  v <- tryCatch(suppressWarnings(f(g)), error = function(e) NA_real_)
  if (is.na(v) || is.nan(v)) NULL else unname(v)
}

measure <- function(name, g) {
  list(
    name = name,
    n = NROW(g),
    arcs = arcs_of(g),
    connectedness = value(connectedness, g),
    hierarchy = value(function(x) hierarchy(x, measure = "krackhardt"), g),
    efficiency = value(efficiency, g),
    lub = value(lubness, g)
  )
}

block <- function(...) {
  parts <- list(...)
  n <- sum(sapply(parts, NROW))
  g <- matrix(0, n, n)
  at <- 0
  for (p in parts) {
    k <- NROW(p)
    if (k > 0) g[at + seq_len(k), at + seq_len(k)] <- p
    at <- at + k
  }
  g
}

random_dag <- function(n, p) {
  g <- rgraph(n, tprob = p)
  g[lower.tri(g, diag = TRUE)] <- 0
  perm <- sample.int(n)
  g[perm, perm]
}

hand <- list(
  out_tree = from_arcs(7, list(c(0, 1), c(0, 2), c(1, 3), c(1, 4), c(2, 5), c(2, 6))),
  in_tree = from_arcs(5, list(c(1, 0), c(2, 0), c(3, 1), c(4, 1))),
  directed_cycle = from_arcs(4, list(c(0, 1), c(1, 2), c(2, 3), c(3, 0))),
  path = from_arcs(4, list(c(0, 1), c(1, 2), c(2, 3))),
  complete = 1 - diag(4),
  no_arcs = matrix(0, 5, 5),
  single_node = matrix(0, 1, 1),
  two_nodes_one_arc = from_arcs(2, list(c(0, 1))),
  two_nodes_no_arc = matrix(0, 2, 2),
  two_nodes_mutual = from_arcs(2, list(c(0, 1), c(1, 0))),
  two_sources_two_sinks = from_arcs(4, list(c(0, 2), c(0, 3), c(1, 2), c(1, 3))),
  tree_plus_isolates = block(from_arcs(4, list(c(0, 1), c(0, 2), c(2, 3))), matrix(0, 3, 3)),
  cycle_and_tree = block(
    from_arcs(3, list(c(0, 1), c(1, 2), c(2, 0))),
    from_arcs(4, list(c(0, 1), c(0, 2), c(0, 3)))
  ),
  no_vertices = matrix(0, 0, 0)
)

graphs <- lapply(names(hand), function(nm) measure(nm, hand[[nm]]))

set.seed(20220701)
for (n in c(3, 4, 6, 10, 15, 25, 40, 70)) {
  for (p in c(0.05, 0.12, 0.25, 0.5)) {
    graphs[[length(graphs) + 1]] <- measure(sprintf("random_n%d_p%.2f", n, p), rgraph(n, tprob = p))
    graphs[[length(graphs) + 1]] <- measure(sprintf("dag_n%d_p%.2f", n, p), random_dag(n, p))
  }
}
for (i in 1:12) {
  parts <- list(
    random_dag(sample(3:12, 1), runif(1, 0.1, 0.4)),
    rgraph(sample(2:8, 1), tprob = runif(1, 0.05, 0.3)),
    matrix(0, sample(0:3, 1), sample(0:3, 1))
  )
  parts[[3]] <- matrix(0, NROW(parts[[3]]), NROW(parts[[3]]))
  g <- do.call(block, parts)
  perm <- sample.int(NROW(g))
  graphs[[length(graphs) + 1]] <- measure(sprintf("components_%02d", i), g[perm, perm])
}

doc <- list(
  generator = "scripts/sna_reference.R",
  sna_version = as.character(packageVersion("sna")),
  graphs = graphs
)
writeLines(toJSON(doc, auto_unbox = TRUE, digits = NA, null = "null", pretty = FALSE), out)
cat(sprintf("wrote %d graphs to %s\n", length(graphs), out), file = stderr())

# make_fixtures.R — R reference values for IRTKit's FitStatistics tests.
#
# Run from this folder:   Rscript make_fixtures.R
# Produced with R 4.2.2 Patched (2022-11-10 r83330) on Debian, with
#   psych 2.2.9, lavaan 0.6-14 (Debian packages r-base-core, r-cran-psych,
#   r-cran-lavaan). No other package is needed: the JSON is written by hand
#   below so that every number reads back as exactly the double R computed.
#
# Writes holzinger_swineford.csv, harman74.csv, sat_act.csv, r_reference.json.
# R is never needed at test time.

suppressPackageStartupMessages({
  library(psych)
  library(lavaan)
})

# The shortest decimal (15 to 17 significant digits) that reads back as the same double.
shortest <- function(v) {
  if (is.na(v)) return("NA")
  for (d in 15:17) { s <- sprintf(paste0("%.", d, "g"), v); if (as.numeric(s) == v) return(s) }
  s
}
full <- function(x) vapply(x, shortest, "")

# ---------------------------------------------------------------- JSON writer
# Numbers in their shortest exact form (round trip); NA/NaN → null; Inf → "Infinity".
json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    keys <- names(x)
    if (is.null(keys)) {
      items <- vapply(x, json, "", indent = inner)
      return(paste0("[\n", inner, paste(items, collapse = paste0(",\n", inner)), "\n", indent, "]"))
    }
    items <- vapply(seq_along(x), function(i) paste0("\"", keys[i], "\": ", json(x[[i]], inner)), "")
    return(paste0("{\n", inner, paste(items, collapse = paste0(",\n", inner)), "\n", indent, "}"))
  }
  if (is.matrix(x)) {   # row by row
    rows <- lapply(seq_len(nrow(x)), function(i) unname(x[i, ]))
    items <- vapply(rows, function(r) json(arr(r), inner), "")
    return(paste0("[\n", inner, paste(items, collapse = paste0(",\n", inner)), "\n", indent, "]"))
  }
  scalar <- function(v) {
    if (is.character(v)) return(paste0("\"", v, "\""))
    if (is.logical(v) && !is.na(v)) return(if (v) "true" else "false")
    if (is.na(v)) return("null")
    if (is.infinite(v)) return(if (v > 0) "\"Infinity\"" else "\"-Infinity\"")
    shortest(v)
  }
  if (length(x) == 1 && is.null(attr(x, "as_array"))) return(scalar(x))
  paste0("[", paste(vapply(as.list(unname(x)), scalar, ""), collapse = ", "), "]")
}
arr <- function(x) { x <- as.numeric(x); attr(x, "as_array") <- TRUE; x }
mat <- function(x) { x <- unclass(x); x <- matrix(as.numeric(x), nrow = nrow(x)); x }

# ---------------------------------------------------------------- data files
hs <- HolzingerSwineford1939[, paste0("x", 1:9)]
hs_out <- data.frame(id = HolzingerSwineford1939$id, lapply(hs, full), check.names = FALSE)
write.csv(hs_out, "holzinger_swineford.csv", row.names = FALSE, quote = FALSE)

h74 <- Harman74.cor$cov
h74_out <- data.frame(variable = colnames(h74), apply(h74, 2, full), check.names = FALSE)
write.csv(h74_out, "harman74.csv", row.names = FALSE, quote = FALSE)

sat_out <- data.frame(id = rownames(sat.act), lapply(sat.act, full), check.names = FALSE)
write.csv(sat_out, "sat_act.csv", row.names = FALSE, quote = FALSE)

# ---------------------------------------------------------------- factanal
factanal_entry <- function(fit, k) {
  list(
    factors = k,
    n_obs = fit$n.obs,
    uniquenesses = arr(fit$uniquenesses),
    loadings = mat(fit$loadings),
    objective = unname(fit$criteria["objective"]),
    statistic = unname(fit$STATISTIC),
    dof = unname(fit$dof),
    pval = unname(fit$PVAL)
  )
}
hs_factanal <- lapply(1:3, function(k) factanal_entry(factanal(hs, factors = k, rotation = "none"), k))
h74_factanal <- lapply(1:5, function(k)
  factanal_entry(factanal(covmat = Harman74.cor, factors = k, rotation = "none"), k))

# ---------------------------------------------------------------- psych::fa
fa_entry <- function(f) {
  list(
    factors = f$factors,
    n_obs = f$n.obs,
    rmsea = list(estimate = unname(f$RMSEA["RMSEA"]), lower = unname(f$RMSEA["lower"]),
                 upper = unname(f$RMSEA["upper"]), confidence = unname(f$RMSEA["confidence"])),
    tli = f$TLI,
    rms = f$rms,
    crms = f$crms,
    bic = f$BIC,
    chi = f$chi,
    statistic = f$STATISTIC,
    dof = f$dof,
    pval = f$PVAL,
    null_chisq = f$null.chisq,
    null_dof = f$null.dof,
    null_model = f$null.model,
    objective = f$objective,
    uniquenesses = arr(f$uniquenesses),
    loadings = mat(f$loadings)
  )
}
fa_h74 <- fa_entry(fa(Harman74.cor$cov, nfactors = 4, n.obs = 145, fm = "ml", rotate = "none"))
fa_hs <- fa_entry(fa(hs, nfactors = 3, fm = "ml", rotate = "none"))

# ---------------------------------------------------------------- lavaan SRMR
# A free-loading (unrotated) ML EFA; SRMR is lavaan's default (Bentler's,
# diagonal included). Its standardized solution is given so that a test can
# feed exactly lavaan's Λ and ψ.
lav_fit <- efa(data = hs, nfactors = 3, rotation = "none")$nf3
lav_std <- lavInspect(lav_fit, "std")
lavaan_hs <- list(
  factors = 3,
  srmr = unname(fitMeasures(lav_fit, "srmr")),
  loadings = mat(lav_std$lambda),
  uniquenesses = arr(diag(lav_std$theta))
)

# ---------------------------------------------------------------- pchisq
# Central and non-central χ² values, to check the distribution functions.
grid <- expand.grid(x = c(0.5, 5, 30, 226.68384472913996, 900), df = c(1, 2, 12, 186),
                    ncp = c(0, 0.5, 10, 150))
chisq_checks <- lapply(seq_len(nrow(grid)), function(i) {
  g <- grid[i, ]
  list(x = g$x, df = g$df, ncp = g$ncp,
       cdf = pchisq(g$x, g$df, ncp = g$ncp),
       upper = pchisq(g$x, g$df, ncp = g$ncp, lower.tail = FALSE))
})

# ---------------------------------------------------------------- sat.act
sat_cor <- cor(sat.act, use = "pairwise")

ref <- list(
  r_version = R.version.string,
  psych_version = as.character(packageVersion("psych")),
  lavaan_version = as.character(packageVersion("lavaan")),
  harman74_n_obs = Harman74.cor$n.obs,
  holzinger_swineford_n_obs = nrow(hs),
  factanal = list(holzinger_swineford = hs_factanal, harman74 = h74_factanal),
  psych_fa = list(harman74_k4 = fa_h74, holzinger_swineford_k3 = fa_hs),
  lavaan_efa = list(holzinger_swineford_k3 = lavaan_hs),
  pchisq = chisq_checks,
  sat_act = list(columns = colnames(sat.act), cor_pairwise = mat(sat_cor))
)
writeLines(json(ref), "r_reference.json")

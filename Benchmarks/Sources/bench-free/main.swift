// bench-free: free loadings (`--loadings free`) three ways, side by side, on
// synthetic sweeps of 1,000 runs × 200 tasks (5 true factors; the default
// shape, then a harder one: half the cross-loadings near zero and 3 Heywood
// tasks) at k = 4, 5, 6 — the main fit and its neighbours k ± 1, as
// `irt-report --loadings free` fits them:
//
//   - EM: IRTKit's EM without the non-negativity constraint (FreeLoadingFit.em),
//   - concentrated: the likelihood concentrated over Λ, maximized over ψ by a
//     bounded quasi-Newton iteration (FreeLoadingFit.concentrated, the default),
//   - R's factanal (varimax, its defaults) on the same z-scores, when Rscript is
//     installed (said when it is not).
//
// Each time is the best of 3 runs (ContinuousClock; R: system.time, elapsed)
// of the fit from the n × p z-scores (S included), one BLAS thread for IRTKit.
//
//   swift run -c release bench-free [--runs N] [--tasks P]
import BenchSupport
import Foundation
import IRTModel
import IRTSynthetic
import Linalg

let clock = WallClock.clock
func seconds(_ d: Duration) -> Double { WallClock.seconds(d) }
func best<R>(runs: Int = 3, _ body: () throws -> R) rethrows -> (seconds: Double, result: R) {
    try WallClock.best(runs: runs, body)
}

func argument(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return value }
    return v
}

/// factanal's result for one k: best elapsed seconds, objective, counts, ψ.
struct RFit {
    let k: Int
    let seconds: Double
    let objective: Double
    let evaluations: String
    let converged: Bool
    let psi: [Double]
}

/// Runs R's factanal at each k on `z` (written to a temporary CSV), or `nil`
/// with the reason when Rscript is missing or fails.
func factanal(z: Matrix, ks: [Int]) -> (fits: [RFit], blas: String)? {
    let which = Process()
    which.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    which.arguments = ["which", "Rscript"]
    which.standardOutput = Pipe()
    try? which.run()
    which.waitUntilExit()
    guard which.terminationStatus == 0 else { return nil }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-free-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var csv = (0..<z.columns).map { "t\($0)" }.joined(separator: ",") + "\n"
    for r in 0..<z.rows {
        csv += (0..<z.columns).map { String(format: "%.17g", z[r, $0]) }.joined(separator: ",") + "\n"
    }
    let data = dir.appendingPathComponent("z.csv")
    try? csv.write(to: data, atomically: true, encoding: .utf8)
    let script = """
    z <- as.matrix(read.csv("\(data.path)"))
    blas <- tryCatch(sessionInfo()$BLAS, error = function(e) "unknown")
    cat("BLAS", blas, "\\n")
    for (k in c(\(ks.map(String.init).joined(separator: ",")))) {
      best <- Inf
      for (i in 1:3) {
        t <- system.time(f <- factanal(z, factors = k))[["elapsed"]]
        best <- min(best, t)
      }
      cat("FIT", k, best, format(f$criteria[["objective"]], digits = 17), f$criteria[["counts.function"]],
          f$criteria[["counts.gradient"]], f$converged, "\\n")
      cat("PSI", k, format(as.vector(f$uniquenesses), digits = 17), "\\n")
    }
    """
    let scriptURL = dir.appendingPathComponent("factanal.R")
    try? script.write(to: scriptURL, atomically: true, encoding: .utf8)
    let r = Process()
    r.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    r.arguments = ["Rscript", scriptURL.path]
    let out = Pipe()
    r.standardOutput = out
    r.standardError = Pipe()
    do { try r.run() } catch { return nil }
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    r.waitUntilExit()
    var fits: [RFit] = []
    var psi: [Int: [Double]] = [:]
    var blas = "unknown"
    for line in text.split(separator: "\n") {
        let f = line.split(separator: " ").map(String.init)
        if f.first == "BLAS" { blas = f.dropFirst().joined(separator: " ") }
        if f.first == "PSI", f.count > 2, let k = Int(f[1]) { psi[k] = f.dropFirst(2).compactMap(Double.init) }
        if f.first == "FIT", f.count >= 7, let k = Int(f[1]), let t = Double(f[2]), let obj = Double(f[3]) {
            fits.append(RFit(k: k, seconds: t, objective: obj, evaluations: "\(f[4]) f + \(f[5]) ∇f", converged: f[6] == "TRUE",
                             psi: []))
        }
    }
    fits = fits.map { RFit(k: $0.k, seconds: $0.seconds, objective: $0.objective, evaluations: $0.evaluations,
                           converged: $0.converged, psi: psi[$0.k] ?? []) }
    return fits.count == ks.count ? (fits, blas) : nil
}

let n = argument("--runs", default: 1000), p = argument("--tasks", default: 200)
let ks = [4, 5, 6]
print("IRTKit: free loadings on synthetic sweeps, n = \(n), p = \(p) (5 true factors, seed 1), \(ProcessInfo.processInfo.activeProcessorCount) cores, OpenBLAS kernels \(BLASThreading.coreName)")

func options(_ fit: FreeLoadingFit, k: Int) -> FitOptions {
    var o = FitOptions(factors: k)
    o.loadings = .free
    o.freeLoadingFit = fit
    return o
}

for (name, shape) in [("default shape", SyntheticSweep.Shape()),
                      ("half the cross-loadings near zero, 3 Heywood tasks",
                       SyntheticSweep.Shape(nearZeroCrossLoadings: 0.5, heywoodTasks: 3))] {
let sweep = SyntheticSweep(runs: n, tasks: p, factors: 5, seed: 1, noiseRuns: 0, shape: shape)
let z = try sweep.signedScores().standardized(ddof: 0).z
let anchors = [Double?](repeating: nil, count: p)
print("")
print("### \(name)")
print("")

var emTotal = 0.0, concentratedTotal = 0.0
var rows: [(k: Int, em: (Double, FactorModel), concentrated: (Double, FactorModel))] = []
for k in ks {
    let em = try best { try FactorModel(z: z, k: k, anchors: anchors, options: options(.em, k: k)) }
    let concentrated = try best { try FactorModel(z: z, k: k, anchors: anchors, options: options(.concentrated, k: k)) }
    emTotal += em.seconds
    concentratedTotal += concentrated.seconds
    rows.append((k, (em.seconds, em.result), (concentrated.seconds, concentrated.result)))
}
let r = factanal(z: z, ks: ks)
if let r {
    print("R: factanal (varimax, lower = 0.005, L-BFGS-B), R's BLAS: \(r.blas)")
} else {
    print("R: Rscript is not installed (or failed), so factanal was not timed; `apt-get install r-base-core` to add it")
}
print("")
print("| k | EM | evaluations | concentrated | iterations / evaluations | EM ÷ concentrated | factanal | f / ∇f evaluations | factanal ÷ concentrated | ℓ concentrated − ℓ EM | max \\|ψ − ψ_R\\| |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
var rTotal = 0.0
for row in rows {
    let em = row.em.1.diagnostics, c = row.concentrated.1.diagnostics
    let rfit = r?.fits.first { $0.k == row.k }
    rTotal += rfit?.seconds ?? 0
    let psiGap = rfit.map { fit in zip(fit.psi, row.concentrated.1.psi).map { abs($0 - $1) }.max() ?? .nan }
    let cells: [String] = [
        "\(row.k)",
        String(format: "%.3f s", row.em.0), "\(em.iterations)\(em.converged ? "" : " (not converged)")",
        String(format: "%.3f s", row.concentrated.0),
        "\(c.concentrated?.iterations ?? 0) / \(c.iterations)\(c.converged ? "" : " (not converged)")",
        String(format: "%.1f×", row.em.0 / row.concentrated.0),
        rfit.map { String(format: "%.3f s", $0.seconds) } ?? "–",
        rfit.map { $0.evaluations + ($0.converged ? "" : " (not converged)") } ?? "–",
        rfit.map { String(format: "%.1f×", $0.seconds / row.concentrated.0) } ?? "–",
        String(format: "%.2e", c.logLikelihood - em.logLikelihood),
        psiGap.map { String(format: "%.1e", $0) } ?? "–",
    ]
    print("| " + cells.joined(separator: " | ") + " |")
}
let rCell = r == nil ? "–" : String(format: "%.3f s", rTotal)
let rRatio = r == nil ? "–" : String(format: "%.1f×", rTotal / concentratedTotal)
print("| k = 4, 5, 6 | " + String(format: "%.3f s", emTotal) + " | | " + String(format: "%.3f s", concentratedTotal)
      + " | | " + String(format: "%.1f×", emTotal / concentratedTotal) + " | \(rCell) | | \(rRatio) | | |")
}

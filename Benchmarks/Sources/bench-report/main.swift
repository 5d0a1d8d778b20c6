// bench-report: times every Linalg workload against its LinalgReference
// baseline on the same inputs (best of N runs, ContinuousClock) and prints a
// markdown table of times, ratios and achieved GFLOP/s next to the machine's
// peak (a large OpenBLAS dgemm measured in the same run).
//
//   swift run -c release bench-report [--quick]
//
// Best-of-N, not the mean: on a shared machine the minimum is the run least
// disturbed by other work, and ratios of minima are the stable numbers.
import BenchSupport
import Foundation
import IRTModel
import Linalg
import LinalgReference

if CommandLine.arguments.contains("--blas-core") {
    print(BLASThreading.coreName)
    exit(0)
}
let quick = CommandLine.arguments.contains("--quick")
let clock = ContinuousClock()

@inline(never) func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// Best wall time of `body` over at least `minRuns` runs and until `budget`
/// seconds have been spent (at most `maxRuns`).
func best(minRuns: Int = 3, budget: Double = quick ? 0.3 : 1.5, maxRuns: Int = 500, _ body: () -> Void) -> Double {
    var bestTime = Double.infinity
    var spent = 0.0
    var runs = 0
    while runs < minRuns || (spent < budget && runs < maxRuns) {
        let t0 = clock.now
        body()
        let t = seconds(clock.now - t0)
        bestTime = min(bestTime, t)
        spent += t
        runs += 1
    }
    return bestTime
}

func oneThread<R>(_ body: () -> R) -> R { BLASThreading.withThreadCount(1, body) }

struct Row {
    var workload: String
    var linalg: Double          // seconds, BLAS default threads
    var linalg1: Double?        // seconds, BLAS 1 thread
    var reference: Double?      // seconds, pure Swift
    var flops: Double?
    var note: String = ""
}

var rows: [Row] = []
func ms(_ s: Double?) -> String {
    guard let s else { return "–" }
    if s >= 1 { return String(format: "%.2f s", s) }
    if s >= 1e-3 { return String(format: "%.2f ms", s * 1e3) }
    return String(format: "%.1f µs", s * 1e6)
}
func log(_ s: String) { FileHandle.standardError.write((s + "\n").data(using: .utf8)!) }

// MARK: - Peak: a large dgemm
let peakN = quick ? 1000 : 2000
let pa = Inputs.normal(peakN, peakN, seed: 1), pb = Inputs.normal(peakN, peakN, seed: 2)
var pc = Matrix(rows: peakN, columns: peakN)
let peakT = best(minRuns: 3, budget: 0) { try! Matrix.multiply(pa, .none, pb, .none, into: &pc) }
let peakT1 = oneThread { best(minRuns: 2, budget: 0) { try! Matrix.multiply(pa, .none, pb, .none, into: &pc) } }
let peakFlops = Flops.gemm(peakN, peakN, peakN)
let peak = peakFlops / peakT / 1e9, peak1 = peakFlops / peakT1 / 1e9
rows.append(Row(workload: "peak: dgemm \(peakN)³", linalg: peakT, linalg1: peakT1, flops: peakFlops,
                note: "BLAS threads = \(BLASThreading.threadCount)"))
log("peak \(peak) GFLOP/s (\(BLASThreading.threadCount) threads), \(peak1) GFLOP/s (1 thread)")

// MARK: - gemm 200³
do {
    let a = Inputs.normal(200, 200, seed: 3), b = Inputs.normal(200, 200, seed: 4)
    var c = Matrix(rows: 200, columns: 200)
    let t = best { try! Matrix.multiply(a, .none, b, .none, into: &c) }
    let t1 = oneThread { best { try! Matrix.multiply(a, .none, b, .none, into: &c) } }
    let naive = best { blackHole(Reference.naiveProduct(a, b)) }
    let blocked = best { blackHole(Reference.blockedProduct(a, b)) }
    rows.append(Row(workload: "gemm 200×200×200 (vs naive)", linalg: t, linalg1: t1, reference: naive,
                    flops: Flops.gemm(200, 200, 200)))
    rows.append(Row(workload: "gemm 200×200×200 (vs blocked)", linalg: t, linalg1: t1, reference: blocked,
                    flops: Flops.gemm(200, 200, 200)))
    log("gemm done")
}

// MARK: - syrk 1000×200
do {
    let a = Inputs.normal(1000, 200, seed: 5)
    var g = Matrix(rows: 200, columns: 200)
    let t = best { a.gram(into: &g) }
    let t1 = oneThread { best { a.gram(into: &g) } }
    let r = best { blackHole(Reference.gram(a)) }
    rows.append(Row(workload: "syrk gram 1000×200", linalg: t, linalg1: t1, reference: r,
                    flops: Flops.syrk(rows: 1000, columns: 200)))
    log("syrk done")
}

// MARK: - eigenvalues
for n in [43, 200] {
    let a = Inputs.correlation(n: n == 43 ? 242 : 1000, p: n, seed: 6)
    var solver = SymmetricEigenvalueSolver(order: n)
    var work = a
    var values = [Double](repeating: 0, count: n)
    let body = {
        work = a
        try! solver.eigenvalues(destroying: &work, into: &values)
    }
    let t = best(body)
    let t1 = oneThread { best(body) }
    let r = best(minRuns: 2, budget: quick ? 0.3 : 3) { blackHole(Reference.jacobiEigenvalues(a)) }
    rows.append(Row(workload: "eigenvalues \(n)×\(n) (dsyevd N vs Jacobi)", linalg: t, linalg1: t1, reference: r,
                    flops: Flops.eigenvalues(n)))
}
log("eigenvalues done")

// MARK: - full eigendecomposition 200
do {
    let a = Inputs.correlation(n: 1000, p: 200, seed: 7)
    let t = best { blackHole(try! SymmetricEigen(a)) }
    let t1 = oneThread { best { blackHole(try! SymmetricEigen(a)) } }
    let r = best(minRuns: 2, budget: quick ? 0.3 : 3) { blackHole(Reference.jacobiEigen(a)) }
    rows.append(Row(workload: "eigen 200×200 values+vectors (dsyevd V vs Jacobi)", linalg: t, linalg1: t1,
                    reference: r, flops: Flops.eigen(200)))
    log("eigen done")
}

// MARK: - Horn draws
for (n, p) in [(242, 43), (1000, 200)] {
    var fast = HornDrawLinalg(n: n, p: p)
    var slow = HornDrawReference(n: n, p: p)
    let t = best { blackHole(fast.run()) }
    let t1 = oneThread { best { blackHole(fast.run()) } }
    let r = best(minRuns: 2, budget: quick ? 0.3 : 3) { blackHole(slow.run()) }
    rows.append(Row(workload: "Horn draw \(n)×\(p) (normals, standardize, corr, eigenvalues)", linalg: t,
                    linalg1: t1, reference: r, flops: Flops.hornDraw(n: n, p: p),
                    note: "NullEigenvalues runs draws with BLAS at 1 thread"))
}
log("horn done")

// MARK: - EM iteration (FactorModel capped at 1 and at 101 plain iterations)
let sample = Inputs.samplePrepared()
let (sweepFile, noiseFile) = Inputs.sample()
let sampleResult = try! Analysis(sweep: sweepFile, noise: noiseFile).run()
let sampleK = sampleResult.k
do {
    let synthZ = Inputs.syntheticZ(n: 1000, p: 200, k: 6, seed: 11)
    let cases: [(String, Matrix, Int, [Double?])] = [
        ("sample \(sample.z.columns)×\(sampleK)", sample.z, sampleK, sample.anchors),
        ("synthetic 200×6 (n = 1000)", synthZ, 6, Array(repeating: nil, count: 200)),
    ]
    for (label, z, k, anchors) in cases {
        let t1 = best { blackHole(EMBench.fit(z: z, k: k, anchors: anchors, iterations: 1)) }
        let t101 = best { blackHole(EMBench.fit(z: z, k: k, anchors: anchors, iterations: 101)) }
        let perIteration = (t101 - t1) / 100
        let p = Double(z.columns)
        rows.append(Row(workload: "EM iteration p×k = \(label)", linalg: perIteration, flops: 2 * p * p * Double(k),
                        note: "(t(101) − t(1)) / 100; fixed cost t(1) = \(ms(t1))"))
    }
    log("em iteration done")
}

// MARK: - Fit to convergence on the sample
do {
    for (label, options) in [("Anderson (default)", FitOptions()), ("SQUAREM", FitOptions(acceleration: .squarem)),
                             ("plain EM", FitOptions(acceleration: .none))] {
        var iterations = 0
        let t = best(minRuns: 2, budget: quick ? 0.3 : 2) {
            let model = EMBench.converge(z: sample.z, k: sampleK, anchors: sample.anchors, options: options)
            iterations = model.diagnostics.iterations
        }
        rows.append(Row(workload: "fit to convergence, sample k = \(sampleK), \(label)", linalg: t,
                        note: "\(iterations) EM map evaluations"))
    }
    log("fit done")
}

// MARK: - Whole analysis on the sample
do {
    let read = best { blackHole(Inputs.sample()) }
    rows.append(Row(workload: "read sample CSVs (EvalMatrix × 2)", linalg: read))
    let t = best(minRuns: 3, budget: quick ? 0.5 : 3) { blackHole(try! Analysis(sweep: sweepFile, noise: noiseFile).run()) }
    rows.append(Row(workload: "Analysis.run() on the sample (500 draws)", linalg: t,
                    flops: 500 * Flops.hornDraw(n: sample.z.rows, p: sample.z.columns),
                    note: "k = \(sampleK), \(sampleResult.em.iterations) EM evaluations; GFLOP/s counts Horn only"))
}

// MARK: - Table
let date = ISO8601DateFormatter().string(from: Date())
print("IRTKit benchmarks, \(date), \(ProcessInfo.processInfo.activeProcessorCount) cores, OpenBLAS kernels \(BLASThreading.coreName), BLAS threads \(BLASThreading.threadCount)")
print("peak (dgemm \(peakN)³): \(String(format: "%.1f", peak)) GFLOP/s at \(BLASThreading.threadCount) threads, \(String(format: "%.1f", peak1)) GFLOP/s at 1 thread")
print("")
print("| workload | Linalg | Linalg, 1 BLAS thread | baseline (LinalgReference) | ratio | ratio, 1 thread | GFLOP/s (% of peak) | GFLOP/s 1 thread (% of 1-thread peak) | note |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
func rate(_ flops: Double?, _ t: Double?, _ peak: Double) -> String {
    guard let flops, let t else { return "–" }
    let g = flops / t / 1e9
    return String(format: "%.2f (%.0f%%)", g, 100 * g / peak)
}
for r in rows {
    let ratio = r.reference.map { String(format: "%.1f×", $0 / r.linalg) } ?? "–"
    var ratio1 = "–"
    if let ref = r.reference, let l1 = r.linalg1 { ratio1 = String(format: "%.1f×", ref / l1) }
    print("| \(r.workload) | \(ms(r.linalg)) | \(ms(r.linalg1)) | \(ms(r.reference)) | \(ratio) | \(ratio1) | \(rate(r.flops, r.linalg, peak)) | \(rate(r.flops, r.linalg1, peak1)) | \(r.note) |")
}

import Linalg
import Testing

// Shared fixtures for the Linalg tests: a seedable generator, random
// matrices, matrices with a known spectrum, and scale-aware comparisons.

/// The sizes every size-parameterized test runs at.
let sizes = [0, 1, 2, 7, 64, 200]

/// Sizes at which the O(n³)-per-sweep Jacobi oracle stays fast in a debug build.
let jacobiSizes = [0, 1, 2, 7, 64]

/// The unit roundoff of `Double`, `2⁻⁵²`.
let eps = Double.ulpOfOne

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seedable generator, good
/// enough for test data and identical on every platform.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `[-1, 1)`, from the top 53 bits.
    mutating func nextSigned() -> Double {
        Double(next() >> 11) * 0x1p-52 - 1
    }
}

/// A generator seeded from the test's own parameters, so that every case
/// is reproducible on its own.
func rng(_ parts: Int...) -> SplitMix64 {
    var seed: UInt64 = 0x1234_5678
    for p in parts { seed = seed &* 1_000_003 &+ UInt64(bitPattern: Int64(p)) }
    return SplitMix64(seed: seed)
}

/// An m × n matrix with elements uniform in `[-scale, scale)`.
func randomMatrix(_ m: Int, _ n: Int, scale: Double = 1, using g: inout SplitMix64) -> Matrix {
    Matrix(rows: m, columns: n) { _, _ in scale * g.nextSigned() }
}

func randomVector(_ n: Int, using g: inout SplitMix64) -> [Double] {
    (0..<n).map { _ in g.nextSigned() }
}

/// A random symmetric n × n matrix, `(R + Rᵀ) / 2`.
func randomSymmetric(_ n: Int, using g: inout SplitMix64) -> Matrix {
    let r = randomMatrix(n, n, using: &g)
    return Matrix(rows: n, columns: n) { i, j in (r[i, j] + r[j, i]) / 2 }
}

/// A random symmetric positive-definite matrix, `RᵀR / n + I`
/// (eigenvalues in `[1, ~5]`, so well conditioned).
func randomSPD(_ n: Int, using g: inout SplitMix64) -> Matrix {
    let r = randomMatrix(n, n, using: &g)
    return Matrix(rows: n, columns: n) { i, j in
        var s = 0.0
        for k in 0..<n { s += r[k, i] * r[k, j] }
        return s / Double(n) + (i == j ? 1 : 0)
    }
}

/// A symmetric matrix with exactly known eigenvalues `d` (up to rounding in
/// forming it): `A = H · diag(d) · H` with the Householder reflection
/// `H = I − 2uuᵀ`, `‖u‖ = 1`. Forming it costs O(n²), so it serves as an
/// oracle at sizes where Jacobi is slow in a debug build.
func knownSpectrum(_ d: [Double], using g: inout SplitMix64) -> Matrix {
    let n = d.count
    var u = randomVector(n, using: &g)
    let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
    u = u.map { $0 / norm }
    // H D H = D − 2 u (Du)ᵀ − 2 (Du) uᵀ + 4 (uᵀDu) u uᵀ.
    let du = (0..<n).map { d[$0] * u[$0] }
    let udu = (0..<n).reduce(0) { $0 + u[$1] * du[$1] }
    return Matrix(rows: n, columns: n) { i, j in
        (i == j ? d[i] : 0) - 2 * u[i] * du[j] - 2 * du[i] * u[j] + 4 * udu * u[i] * u[j]
    }
}

/// `max |aᵢⱼ|`, 0 for an empty matrix.
func maxAbs(_ a: Matrix) -> Double { a.elements.reduce(0) { max($0, abs($1)) } }

func maxAbs(_ x: [Double]) -> Double { x.reduce(0) { max($0, abs($1)) } }

/// The Frobenius norm `‖A‖_F`.
func frobenius(_ a: Matrix) -> Double { a.elements.reduce(0) { $0 + $1 * $1 }.squareRoot() }

/// `max |xᵢ − yᵢ|`, +∞ when a NaN is involved or the lengths differ, so that
/// a comparison against a tolerance fails.
func maxDifference(_ x: [Double], _ y: [Double]) -> Double {
    guard x.count == y.count else { return .infinity }
    var m = 0.0
    for i in x.indices {
        let d = abs(x[i] - y[i])
        if d.isNaN { return .infinity }
        m = max(m, d)
    }
    return m
}

/// Expects `actual` and `expected` to have one shape and to differ by at most
/// `tolerance` in every element.
func expectClose(
    _ actual: Matrix, _ expected: Matrix, tolerance: Double, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.shape == expected.shape, "\(what): shape", sourceLocation: sourceLocation)
    let d = maxDifference(actual.elements, expected.elements)
    #expect(d <= tolerance, "\(what): max difference \(d) > tolerance \(tolerance)", sourceLocation: sourceLocation)
}

func expectClose(
    _ actual: [Double], _ expected: [Double], tolerance: Double, _ what: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let d = maxDifference(actual, expected)
    #expect(d <= tolerance, "\(what): max difference \(d) > tolerance \(tolerance)", sourceLocation: sourceLocation)
}

/// Expects `|actual − expected| ≤ ulps · ulp(expected)`: for values that
/// should agree to the last few bits.
func expectUlps(
    _ actual: Double, _ expected: Double, ulps: Double = 4, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(abs(actual - expected) <= ulps * expected.ulp, "\(actual) vs \(expected)", sourceLocation: sourceLocation)
}

/// Runs `body` and returns the `LinalgError` it throws, recording an issue
/// when it throws nothing.
func linalgError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> LinalgError? {
    do {
        try body()
        Issue.record("expected a LinalgError, none was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as LinalgError {
        return error
    } catch {
        Issue.record("expected a LinalgError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// All four `(op(A), op(B))` combinations.
let transposePairs: [(Transpose, Transpose)] = [(.none, .none), (.none, .transpose), (.transpose, .none), (.transpose, .transpose)]

/// `op(A)` by hand, for building test shapes.
func stored(_ rows: Int, _ columns: Int, _ t: Transpose) -> (Int, Int) { t == .none ? (rows, columns) : (columns, rows) }

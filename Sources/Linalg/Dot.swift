/// `Σ_i x_i y_i` with eight partial sums, so that the loop runs at the
/// processor's multiply–add throughput instead of waiting on one running sum
/// (the compiler may not reorder a floating-point sum itself): the E-step's
/// k × k products `ΛᵀΨ⁻¹Λ` and `Aᵀ(SA)` are p-long dot products, and with one
/// sum each they cost more than the map's n × p × k BLAS products on wide
/// sweeps (30 × 3,000).
///
/// The partial sums are combined in a fixed order, so the result depends only
/// on the inputs, never on the thread count or the alignment.
///
/// - Parameters:
///   - x, y: the buffers.
///   - xStart, yStart: where the two vectors start in them.
///   - count: their length (0 gives 0).
/// - Precondition: both ranges lie in their buffers.
/// - Complexity: `count` multiply–adds.
@inlinable @inline(__always)
package func dot(
    _ x: UnsafeBufferPointer<Double>, from xStart: Int, _ y: UnsafeBufferPointer<Double>, from yStart: Int, count: Int
) -> Double {
    precondition(count >= 0 && xStart >= 0 && yStart >= 0 && xStart + count <= x.count && yStart + count <= y.count)
    guard count > 0, let xBase = x.baseAddress, let yBase = y.baseAddress else { return 0 }
    let x = xBase + xStart, y = yBase + yStart
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0
    var i = 0
    while i + 8 <= count {
        s0 += x[i] * y[i]; s1 += x[i + 1] * y[i + 1]; s2 += x[i + 2] * y[i + 2]; s3 += x[i + 3] * y[i + 3]
        s4 += x[i + 4] * y[i + 4]; s5 += x[i + 5] * y[i + 5]; s6 += x[i + 6] * y[i + 6]; s7 += x[i + 7] * y[i + 7]
        i += 8
    }
    while i < count { s0 += x[i] * y[i]; i += 1 }
    return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))
}

/// `aᵀb` of two arrays of equal length, with the eight partial sums of
/// ``dot(_:from:_:from:count:)`` (not BLAS: the result depends only on the inputs).
///
/// - Precondition: `a.count == b.count`.
/// - Complexity: `a.count` multiply–adds.
@inlinable
package func partialSumDot(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in dot(ap, from: 0, bp, from: 0, count: ap.count) }
    }
}

import Foundation
import Linalg
import Testing

/// The Monte Carlo z-scoring (`standardizeColumnsInPlace`, four columns at a
/// time plus the rest one by one) gives the bits of `standardized(ddof: 0)`,
/// column by column, whatever the column count.
@Suite("Standardizing in place, four columns at a time")
struct StandardizeInPlaceTests {
    @Test("the same bits as standardized(ddof: 0) for 1 to 9 columns", arguments: [1, 2, 3, 4, 5, 7, 8, 9])
    func sameBits(columns: Int) throws {
        var g = rng(columns, 90)
        // Columns of different offsets and magnitudes (including tiny and huge), so each gets its own scale.
        let magnitudes = [1.0, 1e-200, 1e200, 3.5, 0.001, 7e10, 1, 2e-5, 9e150]
        let x = Matrix(rows: 37, columns: columns) { _, j in
            magnitudes[j] * (Double(j) - 2 + g.nextSigned())
        }
        var inPlace = x
        inPlace.standardizeColumnsInPlace()
        let reference = try x.standardized(ddof: 0).z
        for j in 0..<columns {
            #expect(inPlace.column(j) == reference.column(j), "column \(j) of \(columns)")
        }
    }

    @Test("one row: every column becomes NaN (zero variance), as one at a time")
    func oneRow() {
        var x = Matrix(rows: 1, columns: 5) { _, j in Double(j) }
        x.standardizeColumnsInPlace()
        #expect(x.elements.allSatisfy { $0.isNaN })
    }
}

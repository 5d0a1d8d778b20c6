import Foundation
import IRTModel
import Linalg

extension MixtureTable {
    /// The tolerance on a phase's weight sum: |Σ w − 1| ≤ 1e-6.
    public static let phaseSumTolerance = 1e-6

    /// Validates a parsed CSV as a mixture file.
    ///
    /// Weight columns: those matching `columnsPattern` (comma-separated globs), or else every
    /// `phase_<i>_<domain>` column and every other column (but the run column) most of whose cells
    /// are numbers (a column of text, such as a note, is not a weight column; a stray word or an
    /// empty cell in a weight column is an error). Columns
    /// named `phase_<i>_<domain>` form phase `phase_<i>`; when some columns are so named, the
    /// other columns are not weights unless the pattern names them (then it is an error). Without
    /// phase names the weight columns form the single phase `all`. Every phase's weights must be
    /// ≥ 0, finite, and sum to 1 within ``phaseSumTolerance`` in every run; a weight column
    /// constant across the runs is dropped (``droppedConstantColumns``).
    ///
    /// - Parameters:
    ///   - table: the CSV, as ``CSVReader`` parses it.
    ///   - source: the file name used in errors.
    ///   - runColumn: the run-name column.
    ///   - columnsPattern: comma-separated globs choosing the weight columns, nil for every numeric column.
    /// - Throws: ``MixtureError`` naming file, line and column for the first bad cell
    ///   (rows in file order, columns in file order within a row);
    ///   ``MixtureError/constantWeights(file:columns:)`` when no weight column varies (one run, say).
    /// - Complexity: O(r·c) for r runs and c columns.
    public static func parse(_ table: CSVTable, source: String, runColumn: String,
                             columnsPattern: String?) throws(MixtureError) -> MixtureTable {
        guard let runIndex = table.header.firstIndex(of: runColumn) else {
            throw .missingRunColumn(file: source, column: runColumn)
        }
        guard !table.rows.isEmpty else { throw .input(.headerOnly(file: source)) }
        let candidates = table.header.indices.filter { $0 != runIndex }
        var chosen: [Int]
        if let pattern = columnsPattern {
            let globs = pattern.split(separator: ",").map { Glob(String($0).trimmingCharacters(in: .whitespaces)) }
            guard !globs.isEmpty else { throw .invalidOption("--mixture-columns: the pattern is empty") }
            chosen = candidates.filter { j in globs.contains { $0.matches(table.header[j]) } }
        } else {
            chosen = candidates.filter { j in
                if phaseName(table.header[j]) != nil { return true }
                let parsed = table.rows.reduce(0) { $0 + (parseWeight($1[j]) != nil ? 1 : 0) }
                return 2 * parsed > table.rows.count
            }
            if chosen.contains(where: { phaseName(table.header[$0]) != nil }) {
                chosen = chosen.filter { phaseName(table.header[$0]) != nil }
            }
        }
        guard !chosen.isEmpty else { throw .noWeightColumns(file: source) }

        let phased = chosen.contains { phaseName(table.header[$0]) != nil }
        var phaseOrder: [String] = []
        var phaseColumns: [String: [Int]] = [:]
        for j in chosen {
            let name: String
            if phased {
                guard let p = phaseName(table.header[j]) else {
                    throw .invalidOption("\(source):1: column \"\(table.header[j])\" is a weight column but not named phase_<i>_<domain> while others are; choose the weight columns with --mixture-columns")
                }
                name = p
            } else {
                name = "all"
            }
            if phaseColumns[name] == nil { phaseOrder.append(name) }
            phaseColumns[name, default: []].append(j)
        }
        for p in phaseOrder where phaseColumns[p]!.count < 2 {
            throw .singleDomainPhase(file: source, phase: p, column: table.header[phaseColumns[p]![0]])
        }

        let r = table.rows.count
        let position = Dictionary(uniqueKeysWithValues: chosen.enumerated().map { ($1, $0) })
        var runNames: [String] = []
        var firstLine: [String: Int] = [:]
        var values = [[Double]](repeating: [Double](repeating: 0, count: r), count: chosen.count)
        for (i, row) in table.rows.enumerated() {
            let line = table.lines[i]
            let run = row[runIndex].trimmingCharacters(in: .whitespaces)
            guard !run.isEmpty else { throw .emptyRunName(file: source, line: line, column: runColumn) }
            if let first = firstLine[run] { throw .duplicateRun(file: source, line: line, run: run, firstLine: first) }
            firstLine[run] = line
            runNames.append(run)
            for (c, j) in chosen.enumerated() {
                let text = row[j].trimmingCharacters(in: .whitespaces)
                guard let w = parseWeight(text) else {
                    throw .nonNumericWeight(file: source, line: line, column: table.header[j], value: row[j])
                }
                guard w.isFinite else { throw .nonFiniteWeight(file: source, line: line, column: table.header[j], value: text) }
                guard w >= 0 else { throw .negativeWeight(file: source, line: line, column: table.header[j], value: w) }
                values[c][i] = w
            }
            for p in phaseOrder {
                let sum = phaseColumns[p]!.reduce(0.0) { $0 + values[position[$1]!][i] }
                if abs(sum - 1) > phaseSumTolerance {
                    throw .phaseSum(file: source, line: line, run: run, phase: p, sum: sum)
                }
            }
        }

        var keptIndex: [Int] = []
        var dropped: [String] = []
        var droppedValues: [Double] = []
        for c in chosen.indices {
            let v = values[c]
            if v.allSatisfy({ $0 == v[0] }) {
                dropped.append(table.header[chosen[c]])
                droppedValues.append(v[0])
            } else {
                keptIndex.append(c)
            }
        }
        guard !keptIndex.isEmpty else { throw .constantWeights(file: source, columns: dropped) }
        let kept = keptIndex.map { table.header[chosen[$0]] }
        let phases = phaseOrder.compactMap { p -> MixturePhase? in
            let columns = phaseColumns[p]!.map { table.header[$0] }.filter { kept.contains($0) }
            return columns.isEmpty ? nil : MixturePhase(name: p, columns: columns)
        }
        let weights = Matrix(rows: r, columns: kept.count) { i, c in values[keptIndex[c]][i] }
        return MixtureTable(source: source, runNames: runNames, columns: kept, phases: phases, weights: weights,
                            droppedConstantColumns: dropped, droppedConstantValues: droppedValues,
                            inputColumns: chosen.map { table.header[$0] }, lines: table.lines)
    }

    /// Reads and validates a mixture file (``parse(_:source:runColumn:columnsPattern:)``).
    ///
    /// - Throws: ``MixtureError/input(_:)`` for a file that is not a readable CSV, and every
    ///   error of ``parse(_:source:runColumn:columnsPattern:)``.
    public static func read(contentsOf url: URL, runColumn: String,
                            columnsPattern: String?) throws(MixtureError) -> MixtureTable {
        let table: CSVTable
        do throws(AnalysisError) { table = try CSVReader.read(contentsOf: url) } catch { throw .input(error) }
        return try parse(table, source: url.lastPathComponent, runColumn: runColumn, columnsPattern: columnsPattern)
    }

    /// `phase_<i>` for a column named `phase_<i>_<domain>` (i digits, domain not empty), else nil.
    static func phaseName(_ column: String) -> String? {
        guard column.hasPrefix("phase_") else { return nil }
        let rest = column.dropFirst("phase_".count)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        let tail = rest.dropFirst(digits.count)
        guard tail.hasPrefix("_"), tail.count > 1 else { return nil }
        return "phase_\(digits)"
    }

    /// The number a cell holds (NaN and infinities included, to be named as such), nil for text.
    static func parseWeight(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return nil }
        return Double(t)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value whose fields are described once, by name and in order, in `LedgerSchema.swift`: the ledger line's
/// writer and reader and the checkpoint's coder all follow that one description.
protocol LedgerFields {
    /// The value with every field at its default (what a reader starts from: a field a line leaves out keeps it).
    init()
    /// Visits each field, in the order a line writes them.
    mutating func fields<Visitor: LedgerFieldVisitor>(_ visitor: inout Visitor)
}

/// How a field with no value appears in a line: left out, or written as `null` (a cost nobody knows is not 0).
enum WhenAbsent {
    case leftOut
    case null
}

/// Goes over a value's fields by name, in order, either writing each out (a ledger line, a checkpoint) or reading
/// each in (a line read in place, a checkpoint). A reader leaves a field it does not find, or finds of another
/// type, as it was.
protocol LedgerFieldVisitor {
    mutating func field(_ name: StaticString, _ value: inout String)
    mutating func field(_ name: StaticString, _ value: inout String?, _ absent: WhenAbsent)
    mutating func field(_ name: StaticString, _ value: inout Int)
    /// Left out when nil.
    mutating func field(_ name: StaticString, _ value: inout Int?)
    mutating func field(_ name: StaticString, _ value: inout Double?, _ absent: WhenAbsent)
    mutating func field(_ name: StaticString, _ value: inout Bool)
    /// Left out when nil.
    mutating func field(_ name: StaticString, _ value: inout Bool?)
    /// A list of strings; left out when nil, or, with `omitEmpty`, when empty.
    mutating func field(_ name: StaticString, _ value: inout [String]?, omitEmpty: Bool)
    /// An object of strings (`models`), in its order; left out when empty.
    mutating func field(_ name: StaticString, _ value: inout [LedgerEvent.Named<String>])
    /// An object of integers (`counts`), in its order.
    mutating func field(_ name: StaticString, _ value: inout [LedgerEvent.Named<Int>])
    /// An object; left out when nil.
    mutating func field<Object: LedgerFields>(_ name: StaticString, _ value: inout Object?)
    /// A list of objects; left out when nil.
    mutating func field<Object: LedgerFields>(_ name: StaticString, _ value: inout [Object]?)
}

extension LedgerFieldVisitor {
    /// A string left out when nil.
    mutating func field(_ name: StaticString, _ value: inout String?) { field(name, &value, .leftOut) }
    /// A number left out when nil.
    mutating func field(_ name: StaticString, _ value: inout Double?) { field(name, &value, .leftOut) }
    /// A list of strings always written (an empty one as `[]`).
    mutating func field(_ name: StaticString, _ value: inout [String]) {
        var list: [String]? = value
        field(name, &list, omitEmpty: false)
        value = list ?? value
    }
    /// A list of strings left out when empty.
    mutating func field(_ name: StaticString, nonEmpty value: inout [String]) {
        var list: [String]? = value
        field(name, &list, omitEmpty: true)
        value = list ?? value
    }
    /// A list of objects always written.
    mutating func field<Object: LedgerFields>(_ name: StaticString, _ value: inout [Object]) {
        var list: [Object]? = value
        field(name, &list)
        value = list ?? value
    }
}

extension StaticString {
    /// Whether `text` is this name (compared byte for byte: no string made of the name).
    func names(_ text: String) -> Bool {
        var text = text
        let count = utf8CodeUnitCount
        return text.withUTF8 { utf8 in
            utf8.count == count && (count == 0 || memcmp(utf8.baseAddress!, utf8Start, count) == 0)
        }
    }
}

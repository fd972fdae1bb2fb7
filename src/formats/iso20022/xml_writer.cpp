#include "formats/iso20022/xml_writer.hpp"

#include <cassert>

namespace dictra::formats::iso20022::internal {

constexpr std::size_t kIndentSpaces = 4;

XmlWriter::XmlWriter() {
    out_.reserve(4096);
    out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
}

void XmlWriter::Indent() {
    out_ += '\n';
    out_.append(open_.size() * kIndentSpaces, ' ');
}

void XmlWriter::Open(std::string_view name, std::string_view attributes) {
    Indent();
    out_ += '<';
    out_ += name;
    out_ += attributes;
    out_ += '>';
    open_.emplace_back(name);
}

void XmlWriter::Close() {
    assert(!open_.empty());
    std::string name = std::move(open_.back());
    open_.pop_back();
    Indent();
    out_ += "</";
    out_ += name;
    out_ += '>';
}

void XmlWriter::Leaf(std::string_view name, std::string_view text) {
    Indent();
    out_ += '<';
    out_ += name;
    out_ += '>';
    AppendEscapedText(out_, text);
    out_ += "</";
    out_ += name;
    out_ += '>';
}

void XmlWriter::Leaf(std::string_view name, std::string_view attribute, std::string_view value,
                     std::string_view text) {
    Indent();
    out_ += '<';
    out_ += name;
    out_ += ' ';
    out_ += attribute;
    out_ += "=\"";
    AppendEscapedAttribute(out_, value);
    out_ += "\">";
    AppendEscapedText(out_, text);
    out_ += "</";
    out_ += name;
    out_ += '>';
}

void XmlWriter::LeafIn(std::initializer_list<std::string_view> wrappers, std::string_view name,
                       std::string_view text) {
    for (std::string_view wrapper : wrappers) Open(wrapper);
    Leaf(name, text);
    for (std::size_t wrapper_idx = 0; wrapper_idx < wrappers.size(); ++wrapper_idx) Close();
}

void XmlWriter::Empty(std::string_view name, std::string_view attributes) {
    Indent();
    out_ += '<';
    out_ += name;
    out_ += attributes;
    out_ += "/>";
}

void XmlWriter::RawLine(std::string_view line) {
    Indent();
    out_ += line;
}

std::string XmlWriter::Finish() && {
    assert(open_.empty());
    out_ += '\n';
    return std::move(out_);
}

void AppendEscapedText(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '\r': out += "&#13;"; break;
            default: out += c;
        }
    }
}

void AppendEscapedAttribute(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\t': out += "&#9;"; break;
            case '\n': out += "&#10;"; break;
            case '\r': out += "&#13;"; break;
            default: out += c;
        }
    }
}

}  // namespace dictra::formats::iso20022::internal

#include "settlement/qr_image.hpp"

#include <png.h>
#include <qrencode.h>

#include <memory>
#include <string>
#include <vector>

namespace dictra::settlement {
namespace {

struct QrcodeFree {
    void operator()(QRcode* code) const { QRcode_free(code); }
};

// The modules of `payload`: row-major, true for a dark module.
struct Matrix {
    int width = 0;
    std::vector<bool> dark;
    bool At(int row, int column) const {
        return dark[static_cast<std::size_t>(row) * width + column];
    }
};

Result<Matrix> Encode(std::string_view payload) {
    const std::string text(payload);  // libqrencode wants a NUL-terminated string
    // Version 0: the smallest that fits. Case-sensitive 8-bit mode keeps the payload byte for byte.
    std::unique_ptr<QRcode, QrcodeFree> code(
        QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!code) return Error::Internal("libqrencode could not encode the payload");
    Matrix matrix{.width = code->width, .dark = {}};
    const std::size_t count = static_cast<std::size_t>(code->width) * code->width;
    matrix.dark.resize(count);
    for (std::size_t module_idx = 0; module_idx < count; ++module_idx)
        matrix.dark[module_idx] = (code->data[module_idx] & 1) != 0;
    return matrix;
}

struct Layout {
    int module_pixels = 0;
    int margin_pixels = 0;  // quiet zone plus leftover, on the top and left
};

Result<Layout> LayoutFor(const Matrix& matrix, int size_pixels) {
    if (size_pixels < kQrImageSizePixelsMin || size_pixels > kQrImageSizePixelsMax) {
        return Error::InvalidArgument("size must be between " +
                                          std::to_string(kQrImageSizePixelsMin) + " and " +
                                          std::to_string(kQrImageSizePixelsMax) + " pixels",
                                      "size");
    }
    const int modules_with_quiet_zone = matrix.width + 2 * kQrQuietZoneModules;
    const int module_pixels = size_pixels / modules_with_quiet_zone;
    if (module_pixels < 1) {
        return Error::InvalidArgument("size must be at least " +
                                          std::to_string(modules_with_quiet_zone) +
                                          " pixels for this code",
                                      "size");
    }
    const int leftover = size_pixels - module_pixels * matrix.width;
    return Layout{.module_pixels = module_pixels, .margin_pixels = leftover / 2};
}

Result<std::string> Png(const Matrix& matrix, const Layout& layout, int size_pixels) {
    std::vector<unsigned char> pixels(static_cast<std::size_t>(size_pixels) * size_pixels, 0xFF);
    for (int row = 0; row < matrix.width; ++row) {
        for (int column = 0; column < matrix.width; ++column) {
            if (!matrix.At(row, column)) continue;
            for (int dy = 0; dy < layout.module_pixels; ++dy) {
                const int y = layout.margin_pixels + row * layout.module_pixels + dy;
                unsigned char* line = pixels.data() + static_cast<std::size_t>(y) * size_pixels;
                const int x = layout.margin_pixels + column * layout.module_pixels;
                std::fill(line + x, line + x + layout.module_pixels, 0x00);
            }
        }
    }
    // libpng's simplified API reports errors through the image, never with longjmp.
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    image.width = static_cast<png_uint_32>(size_pixels);
    image.height = static_cast<png_uint_32>(size_pixels);
    image.format = PNG_FORMAT_GRAY;
    png_alloc_size_t png_bytes = 0;
    if (!png_image_write_to_memory(&image, nullptr, &png_bytes, 0, pixels.data(), 0, nullptr)) {
        png_image_free(&image);
        return Error::Internal(std::string("libpng: ") + image.message);
    }
    std::string bytes(png_bytes, '\0');
    if (!png_image_write_to_memory(&image, bytes.data(), &png_bytes, 0, pixels.data(), 0,
                                   nullptr)) {
        png_image_free(&image);
        return Error::Internal(std::string("libpng: ") + image.message);
    }
    bytes.resize(png_bytes);
    return bytes;
}

// One path of unit squares in module coordinates, scaled by the viewBox.
std::string Svg(const Matrix& matrix, const Layout& layout, int size_pixels) {
    const std::string size = std::to_string(size_pixels);
    std::string svg = R"(<?xml version="1.0" encoding="UTF-8"?>)"
                      "\n"
                      R"(<svg xmlns="http://www.w3.org/2000/svg" width=")" +
                      size + R"(" height=")" + size + R"(" viewBox="0 0 )" + size + " " + size +
                      R"(" shape-rendering="crispEdges">)"
                      "\n"
                      R"(<rect width="100%" height="100%" fill="#ffffff"/>)"
                      "\n"
                      R"(<path fill="#000000" d=")";
    const std::string module = std::to_string(layout.module_pixels);
    for (int row = 0; row < matrix.width; ++row) {
        for (int column = 0; column < matrix.width; ++column) {
            if (!matrix.At(row, column)) continue;
            svg += 'M' + std::to_string(layout.margin_pixels + column * layout.module_pixels) +
                   ' ' + std::to_string(layout.margin_pixels + row * layout.module_pixels) + 'h' +
                   module + 'v' + module + 'h' + '-' + module + 'z';
        }
    }
    svg += "\"/>\n</svg>\n";
    return svg;
}

}  // namespace

Result<QrImage> RenderQrImage(std::string_view payload, QrImageFormat format, int size_pixels) {
    DICTRA_ASSIGN_OR_RETURN(Matrix matrix, Encode(payload));
    DICTRA_ASSIGN_OR_RETURN(Layout layout, LayoutFor(matrix, size_pixels));
    if (format == QrImageFormat::kSvg)
        return QrImage{.content_type = "image/svg+xml", .bytes = Svg(matrix, layout, size_pixels)};
    DICTRA_ASSIGN_OR_RETURN(std::string png, Png(matrix, layout, size_pixels));
    return QrImage{.content_type = "image/png", .bytes = std::move(png)};
}

}  // namespace dictra::settlement

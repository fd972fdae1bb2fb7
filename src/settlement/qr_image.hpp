// QR images of a BR Code payload, drawn with libqrencode: error correction level M, a quiet zone
// of kQrQuietZoneModules modules, black modules on white.
#pragma once

#include <string_view>

#include "core/result.hpp"
#include "settlement/qr_model.hpp"

namespace dictra::settlement {

// The image of `payload`, exactly `size_pixels` wide and high. Each module is a whole number of
// pixels (the largest that fits with the quiet zone); pixels left over widen the margin.
// Errors: kInvalidArgument (field "size") when `size_pixels` is outside
// [kQrImageSizePixelsMin, kQrImageSizePixelsMax] or too small to give each module a pixel;
// kInternal when libqrencode or libpng fail (e.g. out of memory).
Result<QrImage> RenderQrImage(std::string_view payload, QrImageFormat format, int size_pixels);

}  // namespace dictra::settlement

# Our own targets build with strict warnings; third-party headers are included as SYSTEM.
set(DICTRA_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wno-missing-field-initializers)

if(DICTRA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

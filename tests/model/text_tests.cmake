# Tests of the torch-free safetensors and checkpoint-index code in reasonrl_text. Included from
# tests/model/CMakeLists.txt, so reasonrl_add_test (tests/CMakeLists.txt) is defined.
reasonrl_add_test(NAME safetensors_format_test
                  SOURCES ${CMAKE_CURRENT_LIST_DIR}/safetensors_format_test.cc
                  LIBS reasonrl_text GTest::gtest_main)
reasonrl_add_test(NAME checkpoint_index_test
                  SOURCES ${CMAKE_CURRENT_LIST_DIR}/checkpoint_index_test.cc
                  LIBS reasonrl_text GTest::gtest_main)
reasonrl_add_test(NAME chat_format_test
                  SOURCES ${CMAKE_CURRENT_LIST_DIR}/chat_format_test.cc
                  LIBS reasonrl_text nlohmann_json::nlohmann_json GTest::gtest_main)
reasonrl_add_test(NAME chat_prompt_template_test
                  SOURCES ${CMAKE_CURRENT_LIST_DIR}/chat_prompt_template_test.cc
                  LIBS reasonrl_text GTest::gtest_main)
# Tokenizer (model/tokenizer/): the real tokenizers come from scripts/fetch_tokenizers.sh into .cache/tokenizers.
foreach(t tokenizer_test tokenizer_components_test tokenizer_corpus_test)
  reasonrl_add_test(NAME ${t}
                    SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.cc
                    LIBS reasonrl_text nlohmann_json::nlohmann_json GTest::gtest_main)
  target_compile_definitions(${t} PRIVATE REASONRL_TOKENIZER_CACHE_DIR="${PROJECT_SOURCE_DIR}/.cache/tokenizers")
endforeach()

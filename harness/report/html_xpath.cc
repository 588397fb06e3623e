// Test tool: html_xpath FILE [XPATH...]
// Parses FILE strictly as XML with libxml2 (no recovery, no network) and
// prints the string value of each XPath expression on its own line. Exits 1
// with the parser's message when FILE is not well-formed, 2 on usage or an
// invalid expression. XHTML elements are in the XHTML namespace: match them
// as *[local-name()='td'].
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: html_xpath FILE [XPATH...]\n");
    return 2;
  }
  xmlDocPtr doc = xmlReadFile(argv[1], nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == nullptr) {
    const xmlError* e = xmlGetLastError();
    std::fprintf(stderr, "%s: not well-formed XML: %s (line %d)\n", argv[1],
                 e != nullptr && e->message != nullptr ? e->message : "unknown error", e != nullptr ? e->line : 0);
    return 1;
  }
  int status = 0;
  xmlXPathContextPtr context = xmlXPathNewContext(doc);
  for (int i = 2; i < argc; ++i) {
    xmlXPathObjectPtr object = xmlXPathEvalExpression(reinterpret_cast<const xmlChar*>(argv[i]), context);
    if (object == nullptr) {
      std::fprintf(stderr, "invalid XPath: %s\n", argv[i]);
      status = 2;
      continue;
    }
    xmlChar* text = xmlXPathCastToString(object);
    std::string value(reinterpret_cast<const char*>(text));
    xmlFree(text);
    xmlXPathFreeObject(object);
    // One line per expression: newlines inside a value would shift them.
    for (char& ch : value) {
      if (ch == '\n') ch = ' ';
    }
    std::printf("%s\n", value.c_str());
  }
  xmlXPathFreeContext(context);
  xmlFreeDoc(doc);
  return status;
}

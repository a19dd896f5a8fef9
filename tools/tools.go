// Module tools pins the programs the tests run but the package never imports,
// so that users of the package do not download them: wasmbrowsertest (built
// against chromedp v0.16) runs WASM tests in headless Chromium.
package tools

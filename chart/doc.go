// Package chart draws the SVG charts that the command line and the web pages
// share: traffic and error rate from logs, and incident statistics across a
// folder of reports (the latter through gonum.org/v1/plot).
package chart

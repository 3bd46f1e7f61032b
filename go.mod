module github.com/debrief-oss/debrief

go 1.26.8

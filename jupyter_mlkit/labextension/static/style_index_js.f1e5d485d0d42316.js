"use strict";(self.rspackChunkmlkit_labextension=self.rspackChunkmlkit_labextension||[]).push([["style_index_js"],{"./node_modules/css-loader/dist/cjs.js!./style/base.css"(o,r,t){var e=t("./node_modules/css-loader/dist/runtime/noSourceMaps.js"),i=t.n(e),n=t("./node_modules/css-loader/dist/runtime/api.js"),l=(t.n(n))()(i());l.push([o.id,`/* mlkit study map and quiz panel: only JupyterLab theme variables, so light and dark both read well. */

.mlkit-StudyMap,
.mlkit-QuizPanel {
  background: var(--jp-layout-color1);
  color: var(--jp-ui-font-color1);
  font-family: var(--jp-ui-font-family);
  font-size: var(--jp-ui-font-size1);
  overflow-y: auto;
}

.mlkit-StudyMap-content {
  padding: 8px 10px 16px;
}

.mlkit-StudyMap-title,
.mlkit-QuizPanel-title {
  font-size: var(--jp-ui-font-size3);
  font-weight: 600;
  margin: 4px 0 2px;
  color: var(--jp-ui-font-color0);
}

.mlkit-StudyMap-summary {
  margin: 0 0 6px;
  color: var(--jp-ui-font-color2);
}

.mlkit-StudyMap-tools,
.mlkit-topic-actions,
.mlkit-QuizPanel-actions {
  display: flex;
  flex-wrap: wrap;
  gap: 6px;
}

.mlkit-button {
  font: inherit;
  color: var(--jp-ui-font-color1);
  background: var(--jp-layout-color2);
  border: 1px solid var(--jp-border-color1);
  border-radius: var(--jp-border-radius, 2px);
  padding: 3px 8px;
  cursor: pointer;
}

.mlkit-button:hover:not(:disabled) {
  background: var(--jp-layout-color3);
}

.mlkit-button:focus-visible,
.mlkit-option input:focus-visible {
  outline: 2px solid var(--jp-brand-color1);
  outline-offset: 1px;
}

.mlkit-button:disabled {
  color: var(--jp-ui-font-color3);
  cursor: default;
  opacity: 0.7;
}

.mlkit-next,
.mlkit-check,
.mlkit-next-question {
  background: var(--jp-brand-color1);
  border-color: var(--jp-brand-color1);
  color: var(--jp-ui-inverse-font-color1);
}

.mlkit-next:hover:not(:disabled),
.mlkit-check:hover:not(:disabled),
.mlkit-next-question:hover:not(:disabled) {
  background: var(--jp-brand-color0);
}

.mlkit-banner {
  margin: 8px 0;
  padding: 6px 8px;
  border-radius: var(--jp-border-radius, 2px);
  border-left: 4px solid;
  background: var(--jp-layout-color2);
  color: var(--jp-ui-font-color1);
}

.mlkit-warning {
  border-color: var(--jp-warn-color1);
}

.mlkit-error {
  border-color: var(--jp-error-color1);
}

.mlkit-warning-text {
  margin: 4px 0;
  word-break: break-word;
}

.mlkit-topics {
  list-style: none;
  margin: 8px 0 0;
  padding: 0;
}

.mlkit-topic {
  border: 1px solid var(--jp-border-color2);
  border-left: 4px solid var(--jp-border-color2);
  border-radius: var(--jp-border-radius, 2px);
  padding: 6px 8px;
  margin-bottom: 6px;
  background: var(--jp-layout-color1);
}

.mlkit-topic.mlkit-state-opened {
  border-left-color: var(--jp-warn-color1);
}

.mlkit-topic.mlkit-state-completed {
  border-left-color: var(--jp-success-color1);
}

.mlkit-topic.mlkit-is-next {
  border-color: var(--jp-brand-color1);
}

.mlkit-topic-head {
  display: flex;
  gap: 6px;
  font-weight: 600;
  color: var(--jp-ui-font-color0);
}

.mlkit-topic-number {
  color: var(--jp-ui-font-color2);
  min-width: 1.5em;
}

.mlkit-topic-facts {
  display: flex;
  flex-wrap: wrap;
  gap: 4px;
  margin: 4px 0;
}

.mlkit-badge {
  font-size: var(--jp-ui-font-size0);
  padding: 1px 6px;
  border-radius: 8px;
  background: var(--jp-layout-color2);
  color: var(--jp-ui-font-color1);
  border: 1px solid var(--jp-border-color2);
}

.mlkit-state-completed .mlkit-topic-state {
  border-color: var(--jp-success-color1);
}

.mlkit-state-opened .mlkit-topic-state {
  border-color: var(--jp-warn-color1);
}

.mlkit-topic-notebook {
  font-family: var(--jp-code-font-family);
  font-size: var(--jp-ui-font-size0);
  color: var(--jp-ui-font-color2);
}

.mlkit-topic-features {
  font-size: var(--jp-ui-font-size0);
  color: var(--jp-ui-font-color2);
  margin: 2px 0 6px;
}

.mlkit-QuizPanel-content {
  max-width: 52em;
  padding: 12px 20px 24px;
}

.mlkit-QuizPanel-position,
.mlkit-QuizPanel-running {
  color: var(--jp-ui-font-color2);
}

.mlkit-QuizPanel-question {
  border: 0;
  padding: 0;
  margin: 0 0 10px;
  min-width: 0;
}

/* a legend that flows like a paragraph (no border to sit in) */
.mlkit-QuizPanel-scenario {
  float: left;
  width: 100%;
  padding: 0;
  margin: 0 0 8px;
  font-size: var(--jp-ui-font-size2);
  color: var(--jp-ui-font-color0);
  line-height: 1.4;
}

.mlkit-QuizPanel-scenario + * {
  clear: both;
}

.mlkit-option {
  padding: 4px 6px;
  margin: 4px 0;
  border: 1px solid var(--jp-border-color2);
  border-left: 4px solid var(--jp-border-color2);
  border-radius: var(--jp-border-radius, 2px);
}

.mlkit-option-label {
  display: flex;
  gap: 6px;
  align-items: baseline;
  cursor: pointer;
  line-height: 1.4;
}

.mlkit-option-key {
  font-weight: 600;
}

.mlkit-option.mlkit-right {
  border-left-color: var(--jp-success-color1);
  background: var(--jp-layout-color2);
}

.mlkit-option.mlkit-wrong {
  border-left-color: var(--jp-error-color1);
}

.mlkit-option-why {
  margin: 4px 0 2px 1.8em;
  color: var(--jp-ui-font-color1);
}

.mlkit-QuizPanel-verdict {
  font-weight: 600;
}

.mlkit-QuizPanel-verdict.mlkit-right {
  color: var(--jp-success-color0);
}

.mlkit-QuizPanel-verdict.mlkit-wrong {
  color: var(--jp-error-color0);
}

.mlkit-QuizPanel-score {
  font-size: var(--jp-ui-font-size2);
  font-weight: 600;
}

.mlkit-option-chosen {
  margin-left: auto;
  white-space: nowrap;
  align-self: center;
  border-color: var(--jp-brand-color1);
}

/* ordering and matching items: a native select per place or prompt */
.mlkit-QuizPanel-case {
  border-left: 3px solid var(--jp-border-color1);
  background: var(--jp-layout-color2);
  padding: 4px 10px;
  margin: 6px 0;
}

.mlkit-QuizPanel-case-title,
.mlkit-pick-heading {
  font-weight: 600;
  margin: 4px 0;
}

.mlkit-picks {
  display: flex;
  flex-wrap: wrap;
  gap: 6px 14px;
  margin: 8px 0;
}

.mlkit-pick {
  display: inline-flex;
  align-items: center;
  gap: 6px;
}

.mlkit-pick-feedback .mlkit-right strong {
  color: var(--jp-success-color1);
}

.mlkit-pick-feedback .mlkit-wrong strong {
  color: var(--jp-error-color1);
}
`,""]),t.d(r,{},{A:l})},"./node_modules/css-loader/dist/runtime/api.js"(o){o.exports=function(o){var r=[];return r.toString=function(){return this.map(function(r){var t="",e=void 0!==r[5];return r[4]&&(t+="@supports (".concat(r[4],") {")),r[2]&&(t+="@media ".concat(r[2]," {")),e&&(t+="@layer".concat(r[5].length>0?" ".concat(r[5]):""," {")),t+=o(r),e&&(t+="}"),r[2]&&(t+="}"),r[4]&&(t+="}"),t}).join("")},r.i=function(o,t,e,i,n){"string"==typeof o&&(o=[[null,o,void 0]]);var l={};if(e)for(var a=0;a<this.length;a++){var s=this[a][0];null!=s&&(l[s]=!0)}for(var d=0;d<o.length;d++){var p=[].concat(o[d]);e&&l[p[0]]||(void 0!==n&&(void 0===p[5]||(p[1]="@layer".concat(p[5].length>0?" ".concat(p[5]):""," {").concat(p[1],"}")),p[5]=n),t&&(p[2]&&(p[1]="@media ".concat(p[2]," {").concat(p[1],"}")),p[2]=t),i&&(p[4]?(p[1]="@supports (".concat(p[4],") {").concat(p[1],"}"),p[4]=i):p[4]="".concat(i)),r.push(p))}},r}},"./node_modules/css-loader/dist/runtime/noSourceMaps.js"(o){o.exports=function(o){return o[1]}},"./node_modules/style-loader/dist/runtime/injectStylesIntoStyleTag.js"(o){var r=[];function t(o){for(var t=-1,e=0;e<r.length;e++)if(r[e].identifier===o){t=e;break}return t}function e(o,e){for(var i={},n=[],l=0;l<o.length;l++){var a=o[l],s=e.base?a[0]+e.base:a[0],d=i[s]||0,p="".concat(s," ").concat(d);i[s]=d+1;var c=t(p),u={css:a[1],media:a[2],sourceMap:a[3],supports:a[4],layer:a[5]};if(-1!==c)r[c].references++,r[c].updater(u);else{var m=function(o,r){var t=r.domAPI(r);return t.update(o),function(r){r?(r.css!==o.css||r.media!==o.media||r.sourceMap!==o.sourceMap||r.supports!==o.supports||r.layer!==o.layer)&&t.update(o=r):t.remove()}}(u,e);e.byIndex=l,r.splice(l,0,{identifier:p,updater:m,references:1})}n.push(p)}return n}o.exports=function(o,i){var n=e(o=o||[],i=i||{});return function(o){o=o||[];for(var l=0;l<n.length;l++){var a=t(n[l]);r[a].references--}for(var s=e(o,i),d=0;d<n.length;d++){var p=t(n[d]);0===r[p].references&&(r[p].updater(),r.splice(p,1))}n=s}}},"./node_modules/style-loader/dist/runtime/insertBySelector.js"(o){var r={};o.exports=function(o,t){var e=function(o){if(void 0===r[o]){var t=document.querySelector(o);if(window.HTMLIFrameElement&&t instanceof window.HTMLIFrameElement)try{t=t.contentDocument.head}catch(o){t=null}r[o]=t}return r[o]}(o);if(!e)throw Error("Couldn't find a style target. This probably means that the value for the 'insert' parameter is invalid.");e.appendChild(t)}},"./node_modules/style-loader/dist/runtime/insertStyleElement.js"(o){o.exports=function(o){var r=document.createElement("style");return o.setAttributes(r,o.attributes),o.insert(r,o.options),r}},"./node_modules/style-loader/dist/runtime/setAttributesWithoutAttributes.js"(o,r,t){o.exports=function(o){var r=t.nc;r&&o.setAttribute("nonce",r)}},"./node_modules/style-loader/dist/runtime/styleDomAPI.js"(o){o.exports=function(o){if("u"<typeof document)return{update:function(){},remove:function(){}};var r=o.insertStyleElement(o);return{update:function(t){var e,i,n;e="",t.supports&&(e+="@supports (".concat(t.supports,") {")),t.media&&(e+="@media ".concat(t.media," {")),(i=void 0!==t.layer)&&(e+="@layer".concat(t.layer.length>0?" ".concat(t.layer):""," {")),e+=t.css,i&&(e+="}"),t.media&&(e+="}"),t.supports&&(e+="}"),(n=t.sourceMap)&&"u">typeof btoa&&(e+="\n/*# sourceMappingURL=data:application/json;base64,".concat(btoa(unescape(encodeURIComponent(JSON.stringify(n))))," */")),o.styleTagTransform(e,r,o.options)},remove:function(){var o;null===(o=r).parentNode||o.parentNode.removeChild(o)}}}},"./node_modules/style-loader/dist/runtime/styleTagTransform.js"(o){o.exports=function(o,r){if(r.styleSheet)r.styleSheet.cssText=o;else{for(;r.firstChild;)r.removeChild(r.firstChild);r.appendChild(document.createTextNode(o))}}},"./style/index.js"(o,r,t){var e=t("./node_modules/style-loader/dist/runtime/injectStylesIntoStyleTag.js"),i=t.n(e),n=t("./node_modules/style-loader/dist/runtime/styleDomAPI.js"),l=t.n(n),a=t("./node_modules/style-loader/dist/runtime/insertBySelector.js"),s=t.n(a),d=t("./node_modules/style-loader/dist/runtime/setAttributesWithoutAttributes.js"),p=t.n(d),c=t("./node_modules/style-loader/dist/runtime/insertStyleElement.js"),u=t.n(c),m=t("./node_modules/style-loader/dist/runtime/styleTagTransform.js"),f=t.n(m),v=t("./node_modules/css-loader/dist/cjs.js!./style/base.css"),k={};k.styleTagTransform=f(),k.setAttributes=p(),k.insert=s().bind(null,"head"),k.domAPI=l(),k.insertStyleElement=u(),i()(v.A,k),v.A&&v.A.locals&&v.A.locals}}]);